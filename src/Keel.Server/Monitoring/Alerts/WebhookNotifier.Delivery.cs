using System.Net.Http.Headers;
using Keel.Monitoring.Alerts;

namespace Keel.Server.Monitoring.Alerts;

// One delivery: signed attempts with backoff.
internal sealed partial class WebhookNotifier
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Posts <paramref name="delivery"/> until a receiver accepts it, it is refused, or its attempts run out.</summary>
    internal async Task DeliverAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        var host = new Uri(delivery.Url).Authority;
        string? secret = null;
        if (delivery.SecretEnv is not null)
        {
            secret = Environment.GetEnvironmentVariable(delivery.SecretEnv);
            if (string.IsNullOrEmpty(secret))
            {
                Count(ref _failed, "failed");
                WebhookLog.SecretMissing(_logger, delivery.Model, delivery.Rule, host, delivery.SecretEnv);
                return;
            }
        }

        var client = _http.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var (status, retryAfter, why) = await AttemptAsync(client, delivery, secret, attempt, stoppingToken).ConfigureAwait(false);
            if (status is >= 200 and < 300)
            {
                Count(ref _delivered, "delivered");
                WebhookLog.Delivered(_logger, delivery.Id, delivery.Event, delivery.Model, delivery.Rule, host, attempt, status.Value);
                return;
            }

            if ((status is { } s && !WebhookRetry.IsRetryable(s)) || attempt >= delivery.MaxAttempts)
            {
                Count(ref _failed, "failed");
                WebhookLog.GaveUp(_logger, delivery.Id, delivery.Event, delivery.Model, delivery.Rule, host, attempt, why);
                return;
            }

            var delay = WebhookRetry.Delay(attempt, retryAfter, _options, Random.Shared.NextDouble());
            WebhookLog.Retrying(_logger, delivery.Id, host, attempt, delivery.MaxAttempts, why, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt: the HTTP status (null for a network error or timeout), the receiver's Retry-After, and what happened.</summary>
    private async Task<(int? Status, TimeSpan? RetryAfter, string Why)> AttemptAsync(HttpClient client, WebhookDelivery delivery, string? secret, int attempt, CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = JsonType;
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Event);
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id);
        request.Headers.Add("X-Keel-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var timestamp = now.ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (secret is not null)
        {
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, delivery.Body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - now,
                _ => (TimeSpan?)null,
            };
            return (status, retryAfter, $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (null, null, $"no answer within {_options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return (null, null, e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}");
        }
    }
}
