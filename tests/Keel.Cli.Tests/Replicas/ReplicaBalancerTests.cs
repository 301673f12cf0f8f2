using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// What <c>deploy/nginx.conf</c> does when a replica dies, checked against raw TCP upstreams that
/// behave like a replica killed mid-request (read the request, then drop the connection unanswered):
/// a POST that reached a replica is never sent to a second one, an idempotent request is, and a
/// request no replica received (connection refused) goes to the next replica.
/// </summary>
public sealed class ReplicaBalancerTests
{
    [Fact]
    public async Task APostThatReachedAReplicaWhichDied_IsNotSentToAnotherReplica_TheClientGets502()
    {
        await using var a = new DyingUpstream();
        await using var b = new DyingUpstream();
        await using var balancer = await StartAsync([a.Address, b.Address]);
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(balancer.Address, "api/2.0/mlflow/runs/create"), new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, a.Requests + b.Requests);
    }

    [Fact]
    public async Task AGetThatReachedAReplicaWhichDied_IsSentToTheNextReplica()
    {
        await using var a = new DyingUpstream();
        await using var b = new DyingUpstream();
        await using var balancer = await StartAsync([a.Address, b.Address]);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(balancer.Address, "api/2.0/mlflow/runs/get?run_id=x"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal((1, 1), (a.Requests, b.Requests));
    }

    [Fact]
    public async Task APostToAReplicaThatRefusesConnections_IsSentToTheNextReplica()
    {
        var refused = new Uri($"http://127.0.0.1:{ReplicaBalancer.FreePort()}/");
        await using var alive = new AnsweringUpstream();
        await using var balancer = await StartAsync([refused, alive.Address]);
        using var http = new HttpClient();

        for (var i = 0; i < 4; i++)
        {
            using var response = await http.PostAsync(new Uri(balancer.Address, "api/2.0/mlflow/runs/create"), new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(4, alive.Requests);
    }

    [Fact]
    public void TheDeployedConfig_GetsTheUpstreamsAndPortItIsGiven_WithItsOwnServerOptions()
    {
        var deployed = File.ReadAllText(ReplicaBalancer.DeployedConfigPath);
        var site = ReplicaBalancer.SiteConfig(deployed, [new Uri("http://127.0.0.1:5001/"), new Uri("http://127.0.0.1:5002/")], 8080);

        Assert.Contains("    server 127.0.0.1:5001 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:5002 max_fails=1 fail_timeout=5s;\n", site);
        Assert.Contains("listen 127.0.0.1:8080;", site);
        Assert.DoesNotContain("10.0.0.", site);
    }

    private static async Task<ReplicaBalancer> StartAsync(IReadOnlyList<Uri> upstreams)
    {
        if (ReplicaBalancer.Unavailable is { } why)
        {
            Assert.Skip(why);
        }

        // /health goes to the upstreams too; these ones do not answer it, so start without waiting for it.
        return await ReplicaBalancer.StartAsync(upstreams, waitForHealth: false);
    }

    /// <summary>A replica that dies mid-request: it reads a request's headers, then drops the connection unanswered.</summary>
    private sealed class DyingUpstream : RawUpstream
    {
        protected override bool ResetOnClose => true;

        protected override Task AnswerAsync(NetworkStream stream) => Task.CompletedTask;
    }

    /// <summary>A replica that answers 200 to everything.</summary>
    private sealed class AnsweringUpstream : RawUpstream
    {
        protected override async Task AnswerAsync(NetworkStream stream)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8.ToArray());
        }
    }

    private abstract class RawUpstream : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _requests;

        protected RawUpstream()
        {
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _accepting = Task.Run(AcceptAsync);
        }

        public Uri Address { get; }

        /// <summary>Requests whose headers arrived.</summary>
        public int Requests => Volatile.Read(ref _requests);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        /// <summary>Whether the connection ends with a reset, as a killed process's socket does, rather than a FIN.</summary>
        protected virtual bool ResetOnClose => false;

        protected abstract Task AnswerAsync(NetworkStream stream);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var seen = new StringBuilder();
                var buffer = new byte[4096];
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                if (seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _requests);
                    await AnswerAsync(stream);
                }

                if (ResetOnClose)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                }
            }
        }
    }
}
