using System.Collections.Concurrent;
using Keel.Core.Auth;
using Keel.Core.Errors;

namespace Keel.Server.Serving;

/// <summary>
/// The scoring-token check of the standalone host (<c>keel serve</c>), which has no auth store of its
/// own: every request except the health and readiness probes must present
/// <c>Authorization: Bearer TOKEN</c> with a token of the current <see cref="ScoringTokenSet"/>
/// (401 otherwise). A replica of a rolling deployment refreshes the set from the tracking server every
/// heartbeat (<see cref="Update"/>) and reports the tokens it accepted (<see cref="TakeUses"/>); until
/// it has a set, and when its set is older than the maximum age (the tracking server has been out of
/// reach, so a revocation might have been missed), a guarded host answers 503. A set that is not
/// guarded lets every request through.
/// </summary>
public sealed partial class ServeTokenGate
{
    private static readonly string[] Probes = ["/ping", "/health", "/v2/health/live", "/v2/health/ready"];

    private readonly TimeProvider _time;
    private readonly TimeSpan? _maxAge;
    private readonly string _resource;
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);
    private volatile Snapshot? _snapshot;

    /// <summary>Creates a gate with no set yet (a guarded host refuses until <see cref="Update"/>).</summary>
    /// <param name="resource">What the host serves, for messages (<c>deployment 'credit'</c>).</param>
    /// <param name="maxAge">How old a guarded set may get before requests are refused with 503; null for never (a fixed set).</param>
    /// <param name="time">The clock (token expiry, the set's age, uses). <value>Default: the system clock.</value></param>
    public ServeTokenGate(string resource, TimeSpan? maxAge, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _resource = resource;
        _maxAge = maxAge;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Where refusals are logged (debug); the host sets it when it is built.</summary>
    internal ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The set requests are checked against, or null before the first <see cref="Update"/>.</summary>
    public ScoringTokenSet? Current => _snapshot?.Set;

    /// <summary>Replaces the set (whole); its age counts from now.</summary>
    public void Update(ScoringTokenSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        _snapshot = new Snapshot(set, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>The tokens that let a request score since the last call, each with its latest use, and forgets them.</summary>
    public IReadOnlyList<ScoringTokenUse> TakeUses()
    {
        var uses = new List<ScoringTokenUse>();
        foreach (var id in _used.Keys)
        {
            if (_used.TryRemove(id, out var at))
            {
                uses.Add(new ScoringTokenUse(id, at));
            }
        }

        return uses;
    }

    /// <summary>The middleware.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsProbe(context.Request.Path))
        {
            return next(context);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_snapshot is not { } snapshot)
        {
            return RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCode.TemporarilyUnavailable, $"The {_resource} has not read its scoring tokens yet.");
        }

        if (!snapshot.Set.Guarded)
        {
            return next(context);
        }

        if (_maxAge is { } maxAge && now - snapshot.ReceivedAt > (long)maxAge.TotalMilliseconds)
        {
            return RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCode.TemporarilyUnavailable, $"The {_resource} could not refresh its scoring tokens for {TimeSpan.FromMilliseconds(now - snapshot.ReceivedAt).TotalSeconds:0} s (the tracking server is out of reach), so it cannot tell a revoked token from a valid one.");
        }

        if (snapshot.Set.Match(Auth.AuthMiddleware.Bearer(context.Request), now) is not { } token)
        {
            LogRefused(Logger, _resource, context.Request.Path);
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Auth.AuthMiddleware.Realm}\"";
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, ErrorCode.Unauthenticated, $"The {_resource} requires one of its scoring tokens: send 'Authorization: Bearer TOKEN' (a missing, revoked or expired token is refused).");
        }

        // Uses are reported to the minute: most requests only read here.
        if (!_used.TryGetValue(token.Id, out var last) || now - last >= AuthService.LastUseResolution.TotalMilliseconds)
        {
            _used[token.Id] = now;
        }

        return next(context);
    }

    private static bool IsProbe(PathString path) => Array.Exists(Probes, p => path.Equals(p, StringComparison.Ordinal));

    private static Task RefuseAsync(HttpContext context, int status, ErrorCode code, string message)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return Infrastructure.ErrorHandling.WriteBodyAsync(context, code, message);
    }

    [LoggerMessage(EventId = 1631, Level = LogLevel.Debug, Message = "Scoring refused on the {Resource} ({Path}): no valid scoring token")]
    private static partial void LogRefused(ILogger logger, string resource, string path);

    /// <summary>A set and when this host received it (its own clock).</summary>
    private sealed record Snapshot(ScoringTokenSet Set, long ReceivedAt);
}
