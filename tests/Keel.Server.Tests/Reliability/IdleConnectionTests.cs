using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keel.Server.Tests.Reliability;

/// <summary>Connections that never send a request, and idle keep-alive connections, are closed after Keel:Hosting:KeepAliveTimeout.</summary>
public sealed class IdleConnectionTests
{
    [Fact]
    public async Task ConnectionThatNeverSendsARequest_IsClosedAfterTheKeepAliveTimeout()
    {
        await using var host = await KestrelHost.StartAsync("127.0.0.1", "--Keel:Hosting:KeepAliveTimeout=00:00:01");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, host.Address.Port), TestContext.Current.CancellationToken);

        Assert.True(await ClosedByServerWithinAsync(socket, TimeSpan.FromSeconds(20)), "The server kept a connection that never sent a byte.");
    }

    [Fact]
    public async Task IdleKeepAliveConnection_IsClosedAfterTheKeepAliveTimeout()
    {
        await using var host = await KestrelHost.StartAsync("127.0.0.1", "--Keel:Hosting:KeepAliveTimeout=00:00:01");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, host.Address.Port), TestContext.Current.CancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), TestContext.Current.CancellationToken);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, received), StringComparison.Ordinal);

        Assert.True(await ClosedByServerWithinAsync(socket, TimeSpan.FromSeconds(20)), "The server kept an idle keep-alive connection.");
    }

    private static async Task<bool> ClosedByServerWithinAsync(Socket socket, TimeSpan deadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(deadline);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
                // Drain anything left; an idle connection gets nothing.
            }

            return true;
        }
        catch (SocketException)
        {
            return true; // Reset by the server.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
    }
}
