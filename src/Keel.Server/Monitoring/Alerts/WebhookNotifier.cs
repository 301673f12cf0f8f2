using System.Threading.Channels;
using Keel.Monitoring.Alerts;
using Keel.Server.Serving;
using Prometheus;

namespace Keel.Server.Monitoring.Alerts;

/// <summary>
/// Sends alert changes to the webhooks of each monitor's spec: <see cref="Notify"/> builds the body
/// (Keel's JSON or Slack's format) and queues it in a bounded queue without waiting (a full queue
/// drops the delivery and counts it); background workers post it, signed, retrying network errors,
/// 408, 429 and 5xx with exponential backoff and jitter (honouring <c>Retry-After</c>) up to the
/// notifier's <c>max_attempts</c>. Deliveries still queued when the server stops are lost (the
/// alert history keeps every change).
/// </summary>
internal sealed partial class WebhookNotifier : BackgroundService, IAlertNotifier
{
    /// <summary>The named <see cref="HttpClient"/> deliveries use.</summary>
    public const string HttpClientName = "keel-alert-webhooks";

    private readonly Channel<WebhookDelivery> _queue;
    private readonly IHttpClientFactory _http;
    private readonly AlertWebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter? _deliveries;
    private long _delivered;
    private long _failed;
    private long _dropped;

    public WebhookNotifier(IHttpClientFactory http, AlertWebhookOptions options, TimeProvider time, ILogger<WebhookNotifier> logger, ServingMetrics? metrics = null)
    {
        _http = http;
        _options = options.Validate();
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<WebhookDelivery>(new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false });
        _deliveries = metrics?.Factory.CreateCounter(
            "keel_alert_webhook_deliveries_total",
            "Alert webhook deliveries by result: delivered, failed (given up after its attempts, refused, or its secret missing) or dropped (the delivery queue was full).",
            ["result"]);
    }

    /// <summary>Deliveries a receiver accepted.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Deliveries given up (attempts exhausted, a non-retryable answer, or a missing secret).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Deliveries dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Deliveries waiting.</summary>
    public int Queued => _queue.Reader.Count;

    /// <inheritdoc />
    public void Notify(AlertNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        foreach (var notifier in notification.Spec.Notifiers ?? [])
        {
            if (notifier.Kind != "webhook" || notifier.Url is null)
            {
                continue;
            }

            var id = Guid.NewGuid().ToString("N");
            var links = AlertLinks.For(_options.PublicUrl, notification.Alert, notification.Window);
            var body = notifier.Format == "slack"
                ? AlertWebhookPayload.Slack(notification, links)
                : AlertWebhookPayload.Json(notification, id, links);
            var delivery = new WebhookDelivery(id, notifier.Url, notifier.SecretEnv, notifier.MaxAttempts ?? 5, AlertWebhookPayload.Type(notification.Event), notification.Alert.Model, notification.Alert.Rule, body);
            if (!_queue.Writer.TryWrite(delivery))
            {
                Count(ref _dropped, "dropped");
                WebhookLog.Dropped(_logger, delivery.Model, delivery.Rule, _options.QueueCapacity, Dropped);
            }
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(delivery, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is lost; the alert history has every change.
        }
    }

    private void Count(ref long total, string result)
    {
        Interlocked.Increment(ref total);
        _deliveries?.WithLabels(result).Inc();
    }
}

/// <summary>One webhook delivery: the same body and id on every attempt.</summary>
internal sealed record WebhookDelivery(string Id, string Url, string? SecretEnv, int MaxAttempts, string Event, string Model, string Rule, byte[] Body);
