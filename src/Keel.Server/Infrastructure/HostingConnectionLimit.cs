using Microsoft.AspNetCore.Connections;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Caps the TCP connections held at once. A connection over the cap is closed as soon as it is
/// accepted, so the accept loop always has a descriptor to accept with (Kestrel's accept loop spins
/// and allocates on EMFILE) and a flood ends with the server answering again. Warns at most once a
/// minute while connections are being turned away, not once per connection.
/// </summary>
internal sealed class HostingConnectionLimit(int max, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan WarnEvery = TimeSpan.FromMinutes(1);
    private int _open;
    private long _rejected;
    private long _lastWarning = long.MinValue;

    /// <summary>The cap.</summary>
    public int Max => max;

    /// <summary>Connections held now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Connections closed at once because the cap was reached, since start.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>The connection middleware (for <c>ListenOptions.Use</c>).</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _open) > max)
        {
            Interlocked.Decrement(ref _open);
            Reject();
            connection.Abort(new ConnectionAbortedException($"The connection limit of {max} ({HostingOptions.Section}:MaxConnections) is reached."));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };

    private void Reject()
    {
        var rejected = Interlocked.Increment(ref _rejected);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= WarnEvery) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            HostingLog.ConnectionLimitReached(logger, max, rejected);
        }
    }
}
