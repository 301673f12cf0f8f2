using Microsoft.AspNetCore.Connections;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Caps the TCP connections held at once (<see cref="Max"/>) in two steps. A connection over the
/// cap is closed as soon as it is accepted, so a flood drains from the listen backlog instead of
/// filling it. And the accept loop itself waits once <see cref="Max"/> + <see cref="Headroom"/>
/// sockets are open: Kestrel accepts ahead of handling connections, and under a flood it accepted
/// hundreds before any was closed, ran out of descriptors, spun on EMFILE, and the runtime, unable
/// to open files, died of "Out of memory.". Warns at most once a minute while it turns connections away.
/// </summary>
internal sealed class HostingConnectionLimit : IDisposable
{
    private static readonly TimeSpan WarnEvery = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sockets;
    private int _open;
    private long _rejected;
    private long _lastWarning = long.MinValue;

    public HostingConnectionLimit(int max, TimeProvider time, ILogger logger)
    {
        Max = max;
        Headroom = Math.Clamp(max / 8, 4, 64);
        _time = time;
        _logger = logger;
        _sockets = new SemaphoreSlim(max + Headroom, max + Headroom);
    }

    /// <summary>The cap on connections served at once.</summary>
    public int Max { get; }

    /// <summary>Sockets accepted beyond the cap only to be closed: <c>clamp(Max / 8, 4, 64)</c>.</summary>
    public int Headroom { get; }

    /// <summary>Connections served now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Connections closed at once because the cap was reached, since start.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Waits until an accepted socket may be held (for the transport's accept loop).</summary>
    public Task EnterAcceptAsync(CancellationToken cancellationToken) => _sockets.WaitAsync(cancellationToken);

    /// <summary>An accepted socket is closed.</summary>
    public void ExitAccept() => _sockets.Release();

    /// <summary>The connection middleware (for <c>ListenOptions.Use</c>): serves up to the cap, closes the rest.</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _open) > Max)
        {
            Interlocked.Decrement(ref _open);
            Reject();
            connection.Abort(new ConnectionAbortedException($"The connection limit of {Max} ({HostingOptions.Section}:MaxConnections) is reached."));
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

    public void Dispose() => _sockets.Dispose();

    private void Reject()
    {
        var rejected = Interlocked.Increment(ref _rejected);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= WarnEvery) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            HostingLog.ConnectionLimitReached(_logger, Max, rejected);
        }
    }
}
