namespace Keel.Client;

/// <summary>
/// How <see cref="KeelClient"/> talks to a server: retry policy for transient failures and the
/// request timeout. Defaults suit an interactive tool talking to one server; every value can be
/// changed before the client is constructed.
/// </summary>
/// <remarks>
/// A request is retried when the connection is refused or reset, or when the server answers
/// 429, 502, 503 or 504. Other 4xx and 5xx answers are never retried: they are answers, not
/// transient failures. Waits grow exponentially from <see cref="BaseDelay"/> with jitter, are
/// capped by <see cref="MaxDelay"/>, and honour a <c>Retry-After</c> header when the server sends one.
/// </remarks>
public sealed class KeelClientOptions
{
    /// <summary>How many times a failed request is retried (0 disables retries).</summary>
    /// <value>3, so at most 4 attempts.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; later waits double (plus jitter).</summary>
    /// <value>500 milliseconds.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest single wait between two attempts, including one asked for by Retry-After.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether waits are randomised so that many clients do not retry in lock-step.</summary>
    /// <value><see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Time limit of one HTTP exchange (headers of the answer), applied to the HttpClient that
    /// <see cref="KeelClient(Uri, KeelClientOptions?)"/> creates. Ignored when you pass your own HttpClient.
    /// </summary>
    /// <value>100 seconds, HttpClient's own default.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The clock used for metric timestamps the client fills in.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, nameof(MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, BaseDelay, nameof(MaxDelay));
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        }
    }
}
