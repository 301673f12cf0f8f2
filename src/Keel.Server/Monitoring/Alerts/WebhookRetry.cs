namespace Keel.Server.Monitoring.Alerts;

/// <summary>When a webhook delivery tries again.</summary>
internal static class WebhookRetry
{
    /// <summary>
    /// Whether an answer with <paramref name="status"/> is worth another attempt: 408, 429 and
    /// every 5xx (the receiver is busy or failing); other answers, 2xx aside, are the request's
    /// fault and a retry would get the same.
    /// </summary>
    public static bool IsRetryable(int status) => status is 408 or 429 or >= 500;

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> (1-based): the receiver's
    /// <c>Retry-After</c> when it gave one (up to <see cref="AlertWebhookOptions.MaxRetryAfter"/>),
    /// else exponential backoff, <c>BaseDelay × 2^(attempt−1)</c> up to <c>MaxDelay</c>, with
    /// "equal jitter": between half and all of it, so receivers that failed together are not
    /// retried in lockstep.
    /// </summary>
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="retryAfter">The receiver's Retry-After, when given.</param>
    /// <param name="options">The delays.</param>
    /// <param name="jitter">A uniform draw in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan? retryAfter, AlertWebhookOptions options, double jitter)
    {
        if (retryAfter is { } wait)
        {
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > options.MaxRetryAfter ? options.MaxRetryAfter : wait;
        }

        var exponential = options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (capped / 2 * jitter));
    }
}
