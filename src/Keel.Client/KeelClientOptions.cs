namespace Keel.Client;

/// <summary>
/// How <see cref="KeelClient"/> talks to a server: retry policy for transient failures and the
/// request timeout. Defaults suit an interactive tool talking to one server; every value can be
/// changed before the client is constructed.
/// </summary>
/// <remarks>
/// A request is retried when the connection is refused or reset, or when the server answers
/// 429, 502, 503 or 504, if repeating it leaves the server as one call would (reads, searches,
/// log-metric, log-batch, tags, aliases, ...). A call that would make a second object or act twice
/// (<c>runs/create</c>, <c>model-versions/create</c>, <c>experiments/create</c>,
/// <c>registered-models/create</c>, <c>runs/log-model</c>, a rename, a rollback, most deployment
/// commands) is retried only when the server cannot have received it (connection refused) or
/// refused it (429): after a 502, 503, 504 or a reset connection the error is raised, because the
/// server (a replica that died behind a load balancer) may have committed it. Other 4xx and 5xx
/// answers are never retried: they are answers, not transient failures. Waits grow exponentially from <see cref="BaseDelay"/> with jitter, are
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

    /// <summary>
    /// The user registry changes are recorded under (sent as <c>X-Keel-User</c>) when the server
    /// does not authenticate requests itself. Characters a header cannot carry are sent as '?'.
    /// </summary>
    /// <value><see cref="Environment.UserName"/>, or "anonymous" when the OS reports none.</value>
    public string User { get; set; } = string.IsNullOrWhiteSpace(Environment.UserName) ? "anonymous" : Environment.UserName;

    /// <summary>
    /// The user name to sign in with, by HTTP Basic with <see cref="Password"/> (MLflow's
    /// <c>MLFLOW_TRACKING_USERNAME</c>). With credentials set, <c>X-Keel-User</c> is not sent: a
    /// server with auth on records the signed-in user.
    /// </summary>
    /// <value>null: no Basic credentials.</value>
    public string? Username { get; set; }

    /// <summary>The password that goes with <see cref="Username"/> (MLflow's <c>MLFLOW_TRACKING_PASSWORD</c>).</summary>
    /// <value>null.</value>
    public string? Password { get; set; }

    /// <summary>An API token sent as <c>Authorization: Bearer</c> (MLflow's <c>MLFLOW_TRACKING_TOKEN</c>); wins over <see cref="Username"/>.</summary>
    /// <value>null: no token.</value>
    public string? Token { get; set; }

    /// <summary>Whether requests carry credentials (a token, or a user name and password).</summary>
    public bool HasCredentials => !string.IsNullOrEmpty(Token) || !string.IsNullOrEmpty(Username);

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(Username) && Password is null)
        {
            throw new ArgumentException("A user name needs a password (MLFLOW_TRACKING_PASSWORD).", nameof(Password));
        }

        if (Username is not null && Username.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A user name cannot contain ':' (HTTP Basic splits on it).", nameof(Username));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(User, nameof(User));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, nameof(MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, BaseDelay, nameof(MaxDelay));
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        }
    }
}
