using System.Net;
using System.Net.Sockets;

namespace Keel.Server.Tests.Reliability;

/// <summary>
/// Many TCP connections that connect and send nothing, each watching for the server to close it.
/// Dispose closes every one of them.
/// </summary>
internal sealed class IdleFlood : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _watchers = [];
    private int _closedByServer;

    private IdleFlood()
    {
    }

    /// <summary>Connections the server has closed (or reset) so far.</summary>
    public int ClosedByServer => Volatile.Read(ref _closedByServer);

    public int Count => _sockets.Count;

    public static IdleFlood Open(int port, int count)
    {
        var flood = new IdleFlood();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            flood._sockets.Add(socket);
            flood._watchers.Add(flood.WatchAsync(socket, port));
        }

        return flood;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private async Task WatchAsync(Socket socket, int port)
    {
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var buffer = new byte[16];
            while (await socket.ReceiveAsync(buffer) > 0)
            {
                // An idle connection gets nothing; keep reading until the server closes it.
            }
        }
        catch (SocketException)
        {
            // Reset by the server, or refused.
        }
        catch (ObjectDisposedException)
        {
            return; // Closed by the test.
        }

        Interlocked.Increment(ref _closedByServer);
    }
}
