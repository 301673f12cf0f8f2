using System.Net;
using System.Net.Sockets;
using Keel.Cli.Tests.Infrastructure;
using Keel.Client;
using Keel.Core.Errors;

namespace Keel.Cli.Tests.Client;

public sealed class RetryTests
{
    private const string ExperimentJson = """{"experiment":{"experiment_id":"7","name":"e","artifact_location":"mlflow-artifacts:/7","lifecycle_stage":"active","last_update_time":1,"creation_time":1,"tags":[]}}""";

    private static readonly KeelClientOptions Fast = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(20) };

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(503)]
    [InlineData(502)]
    [InlineData(504)]
    [InlineData(429)]
    public async Task TransientStatusTwice_ThenSuccess_Succeeds(int status)
    {
        await using var stub = await StubServer.StartAsync((ctx, n) => n <= 2
            ? StubServer.JsonAsync(ctx, status, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}""")
            : StubServer.JsonAsync(ctx, 200, ExperimentJson));
        using var client = new KeelClient(stub.BaseAddress, Fast);

        var experiment = await client.GetExperimentAsync("7", _ct);

        Assert.Equal("7", experiment.ExperimentId);
        Assert.Equal(3, stub.Requests);
    }

    [Fact]
    public async Task TransientStatusEveryTime_GivesUpAfterMaxAttempts_WithTheServersError()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, 503, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"down for maintenance"}"""));
        using var client = new KeelClient(stub.BaseAddress, Fast);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentAsync("7", _ct));

        Assert.Equal(ErrorCode.TemporarilyUnavailable, e.Code);
        Assert.Equal("down for maintenance", e.Message);
        Assert.Equal(4, stub.Requests);
    }

    [Theory]
    [InlineData(400, "INVALID_PARAMETER_VALUE")]
    [InlineData(404, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(500, "INTERNAL_ERROR")]
    public async Task NonTransientStatus_IsNotRetried(int status, string code)
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, status, $$"""{"error_code":"{{code}}","message":"no"}"""));
        using var client = new KeelClient(stub.BaseAddress, Fast);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentAsync("7", _ct));

        Assert.Equal(ErrorCodes.FromWireName(code), e.Code);
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task DroppedConnection_IsRetried()
    {
        await using var stub = await StubServer.StartAsync((ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Abort();
                return Task.CompletedTask;
            }

            return StubServer.JsonAsync(ctx, 200, ExperimentJson);
        });
        using var client = new KeelClient(stub.BaseAddress, Fast);

        var experiment = await client.GetExperimentAsync("7", _ct);

        Assert.Equal("7", experiment.ExperimentId);
        Assert.Equal(2, stub.Requests);
    }

    [Fact]
    public async Task ConnectionRefused_IsRetriedThenSurfacesAsHttpRequestException()
    {
        var handler = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };
        using var client = new KeelClient(http, Fast);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetHealthAsync(_ct));

        Assert.Equal(4, handler.Attempts);
    }

    [Fact]
    public async Task RetryAfterHeader_IsHonoured()
    {
        await using var stub = await StubServer.StartAsync((ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.Headers.RetryAfter = "0";
                return StubServer.JsonAsync(ctx, 429, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}""");
            }

            return StubServer.JsonAsync(ctx, 200, ExperimentJson);
        });
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(1) });

        // Polly's own delay would be a minute; Retry-After: 0 makes the retry immediate.
        var experiment = await client.GetExperimentAsync("7", _ct);

        Assert.Equal("7", experiment.ExperimentId);
    }

    [Fact]
    public async Task MaxRetryAttemptsZero_DisablesRetries()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, 503, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}"""));
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

        await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentAsync("7", _ct));

        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task PostBody_IsResentOnRetry()
    {
        var bodies = new List<string>();
        await using var stub = await StubServer.StartAsync(async (ctx, n) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (bodies)
            {
                bodies.Add(body);
            }

            await (n == 1
                ? StubServer.JsonAsync(ctx, 503, "{}")
                : StubServer.JsonAsync(ctx, 200, "{}"));
        });
        using var client = new KeelClient(stub.BaseAddress, Fast);

        await client.SetExperimentTagAsync("7", "team", "search", _ct);

        Assert.Equal(2, bodies.Count);
        Assert.All(bodies, b => Assert.Equal("""{"experiment_id":"7","key":"team","value":"search"}""", b));
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Create_AfterAGatewayError_IsNotSentAgain_TheServerMayHaveDoneIt(int status)
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, status, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"replica gone"}"""));
        using var client = new KeelClient(stub.BaseAddress, Fast);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateExperimentAsync("once", cancellationToken: _ct));

        Assert.Equal(ErrorCode.TemporarilyUnavailable, e.Code);
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task Create_AfterADroppedConnection_IsNotSentAgain()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) =>
        {
            ctx.Abort();
            return Task.CompletedTask;
        });
        using var client = new KeelClient(stub.BaseAddress, Fast);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateRunAsync("0", "once", cancellationToken: _ct));

        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task Create_After429_IsSentAgain_TheServerRefusedItBeforeDoingIt()
    {
        await using var stub = await StubServer.StartAsync((ctx, n) => n == 1
            ? StubServer.JsonAsync(ctx, 429, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}""")
            : StubServer.JsonAsync(ctx, 200, """{"experiment_id":"12"}"""));
        using var client = new KeelClient(stub.BaseAddress, Fast);

        Assert.Equal("12", await client.CreateExperimentAsync("retried", cancellationToken: _ct));
        Assert.Equal(2, stub.Requests);
    }

    [Fact]
    public async Task Create_WhenTheConnectionIsRefused_IsSentAgain_NoServerReceivedIt()
    {
        var handler = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };
        using var client = new KeelClient(http, Fast);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateRunAsync("0", "once", cancellationToken: _ct));

        Assert.Equal(4, handler.Attempts);
    }

    [Fact]
    public async Task UploadFromNonSeekableStream_IsNotRetried()
    {
        await using var stub = await StubServer.StartAsync((ctx, _) => StubServer.JsonAsync(ctx, 503, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}"""));
        using var client = new KeelClient(stub.BaseAddress, Fast);
        using var content = new ForwardOnlyStream(new MemoryStream([1, 2, 3]));

        await Assert.ThrowsAsync<KeelException>(() => client.UploadArtifactAsync("1/run/artifacts/a.bin", content, _ct));

        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task UploadFromSeekableStream_ResendsTheWholeBody()
    {
        var sizes = new List<long>();
        await using var stub = await StubServer.StartAsync(async (ctx, n) =>
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            lock (sizes)
            {
                sizes.Add(buffer.Length);
            }

            await StubServer.JsonAsync(ctx, n == 1 ? 503 : 200, "{}");
        });
        using var client = new KeelClient(stub.BaseAddress, Fast);
        using var content = new MemoryStream(new byte[1000]);

        await client.UploadArtifactAsync("1/run/artifacts/a.bin", content, _ct);

        Assert.Equal([1000L, 1000L], sizes);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
