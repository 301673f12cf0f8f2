using Polly;
using Polly.Retry;

namespace Keel.Client.Http;

/// <summary>Builds the Polly pipeline every request goes through.</summary>
internal static class RetryPipeline
{
    /// <summary>When the request may be sent again (<see cref="Http.Replay"/>); <see cref="Replay.Always"/> when unset.</summary>
    public static readonly ResiliencePropertyKey<Replay> ReplayKey = new("Keel.Replay");

    public static ResiliencePipeline<HttpResponseMessage> Create(KeelClientOptions options)
    {
        if (options.MaxRetryAttempts == 0)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }

        var retry = new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = options.UseJitter,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxDelay)),
        };
        return new ResiliencePipelineBuilder<HttpResponseMessage>().AddRetry(retry).Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var replay = context.Properties.GetValue(ReplayKey, Replay.Always);
        return replay switch
        {
            Replay.Always => outcome.Exception is { } e
                ? TransientFailures.IsTransient(e)
                : outcome.Result is { } response && TransientFailures.IsTransient(response.StatusCode),
            Replay.BeforeSent => outcome.Exception is { } notSent
                ? TransientFailures.NeverReachedServer(notSent)
                : outcome.Result is { } refused && TransientFailures.RefusedBeforeDoing(refused.StatusCode),
            _ => false,
        };
    }

    /// <summary>The server's Retry-After, capped; null lets Polly compute the exponential delay.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan maxDelay)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is not { } w)
        {
            return null;
        }

        return w < TimeSpan.Zero ? TimeSpan.Zero : w > maxDelay ? maxDelay : w;
    }
}
