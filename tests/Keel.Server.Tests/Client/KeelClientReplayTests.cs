using System.Collections.Concurrent;
using Keel.Client;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Client;

/// <summary>
/// KeelClient's retries against a real Keel server (Kestrel on loopback, SQLite) whose first attempt
/// at a chosen call is done and committed, and then fails as a replica dying behind nginx fails: the
/// connection drops before the answer, or a 502 comes instead of it. A call that would make a second
/// object is not sent again; a call whose repeat changes nothing is, and succeeds.
/// </summary>
public sealed class KeelClientReplayTests : IAsyncLifetime
{
    private static readonly KeelClientOptions Retrying = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(20) };

    private readonly FaultyServer _server = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private KeelClient _client = null!;
    private KeelClient _plain = null!;

    public ValueTask InitializeAsync()
    {
        _server.StartServer();
        _client = new KeelClient(_server.CreateClient(), Retrying);
        _plain = new KeelClient(_server.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _plain.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string> Failures() => [FaultyServer.Drop, FaultyServer.BadGateway];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task RunsCreate_CommittedThenFailed_IsNotSentAgain_SoTheExperimentHasOneRun(string failure)
    {
        var experiment = await _plain.CreateExperimentAsync("runs-create-" + failure, cancellationToken: _ct);
        _server.FailFirst("/api/2.0/mlflow/runs/create", failure);

        await AssertFailsAsync(failure, () => _client.CreateRunAsync(new CreateRunCommand(experiment, "alice", "once", null, null), _ct));

        Assert.Equal(1, _server.Attempts("/api/2.0/mlflow/runs/create"));
        var runs = await _plain.SearchRunsAsync(new RunSearchQuery([experiment]), _ct);
        Assert.Equal("once", Assert.Single(runs.Items).Info.RunName);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ModelVersionsCreate_CommittedThenFailed_IsNotSentAgain_SoTheModelHasOneVersion(string failure)
    {
        var model = "versions-" + failure;
        var experiment = await _plain.CreateExperimentAsync(model, cancellationToken: _ct);
        var run = await _plain.CreateRunAsync(new CreateRunCommand(experiment, "alice", null, null, null), _ct);
        await _plain.CreateRegisteredModelAsync(model, null, null, new Actor("alice"), _ct);
        _server.FailFirst("/api/2.0/mlflow/model-versions/create", failure);

        await AssertFailsAsync(failure, () => _client.CreateModelVersionAsync(
            new CreateModelVersionCommand(model, $"runs:/{run.Info.RunId}/model", run.Info.RunId, null, null, null, null), new Actor("alice"), _ct));

        Assert.Equal(1, _server.Attempts("/api/2.0/mlflow/model-versions/create"));
        var versions = await _plain.SearchModelVersionsAsync($"name = '{model}'", 100, null, null, _ct);
        Assert.Equal("1", Assert.Single(versions.Items).Version);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ExperimentsCreate_CommittedThenFailed_IsNotSentAgain_SoNoReplayAnswersAlreadyExists(string failure)
    {
        _server.FailFirst("/api/2.0/mlflow/experiments/create", failure);

        await AssertFailsAsync(failure, () => _client.CreateExperimentAsync("created-once-" + failure, cancellationToken: _ct));

        Assert.Equal(1, _server.Attempts("/api/2.0/mlflow/experiments/create"));
        Assert.Equal("created-once-" + failure, (await _plain.GetExperimentByNameAsync("created-once-" + failure, _ct)).Name);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task LogMetric_CommittedThenFailed_IsSentAgain_Succeeds_AndLeavesOnePoint(string failure)
    {
        var experiment = await _plain.CreateExperimentAsync("log-metric-" + failure, cancellationToken: _ct);
        var run = await _plain.CreateRunAsync(new CreateRunCommand(experiment, "alice", null, null, null), _ct);
        _server.FailFirst("/api/2.0/mlflow/runs/log-metric", failure);

        await _client.LogMetricAsync(run.Info.RunId, new Metric("loss", 0.25, 1_700_000_000_000, 3), _ct);

        Assert.Equal(2, _server.Attempts("/api/2.0/mlflow/runs/log-metric"));
        var history = await _plain.GetFullMetricHistoryAsync(run.Info.RunId, "loss", cancellationToken: _ct);
        Assert.Equal((0.25, 3L), (Assert.Single(history).Value, history[0].Step));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task LogBatch_CommittedThenFailed_IsSentAgain_Succeeds_AndLeavesEachPointOnce(string failure)
    {
        var experiment = await _plain.CreateExperimentAsync("log-batch-" + failure, cancellationToken: _ct);
        var run = await _plain.CreateRunAsync(new CreateRunCommand(experiment, "alice", null, null, null), _ct);
        _server.FailFirst("/api/2.0/mlflow/runs/log-batch", failure);

        await _client.LogBatchAsync(run.Info.RunId, [new Metric("acc", 0.5, 1_700_000_000_000, 0), new Metric("acc", 0.75, 1_700_000_000_001, 1)], [new Param("lr", "0.1")], [new RunTag("t", "v")], _ct);

        Assert.Equal(2, _server.Attempts("/api/2.0/mlflow/runs/log-batch"));
        var history = await _plain.GetFullMetricHistoryAsync(run.Info.RunId, "acc", cancellationToken: _ct);
        Assert.Equal([0.5, 0.75], history.Select(m => m.Value));
        Assert.Equal("0.1", Assert.Single((await _plain.GetRunAsync(run.Info.RunId, _ct)).Data.Params).Value);
    }

    private static async Task AssertFailsAsync(string failure, Func<Task> call)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(call);
        if (failure == FaultyServer.BadGateway)
        {
            Assert.Equal(ErrorCode.TemporarilyUnavailable, Assert.IsType<KeelException>(e).Code);
        }
        else
        {
            Assert.IsType<HttpRequestException>(e);
        }
    }

    /// <summary>
    /// The Keel server on a fresh SQLite store, on a real Kestrel listener, with a middleware in front
    /// that lets the first request to a chosen path run to its end (committed) and then drops the
    /// connection or answers 502 instead of the answer.
    /// </summary>
    private sealed class FaultyServer : WebApplicationFactory<Program>
    {
        public const string Drop = "drop";
        public const string BadGateway = "502";

        private readonly string _folder = Directory.CreateTempSubdirectory("keel-client-replay-").FullName;
        private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> _failFirst = new(StringComparer.Ordinal);

        public FaultyServer() => UseKestrel();

        public void FailFirst(string path, string failure) => _failFirst[path] = failure;

        public int Attempts(string path) => _attempts.GetValueOrDefault(path);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + Path.Combine(_folder, "keel.db"));
            builder.UseSetting("Keel:ArtifactsUri", Path.Combine(_folder, "artifacts"));
            builder.UseSetting("Keel:Port", "0");
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new Filter(this)));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }

        private async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            var path = context.Request.Path.Value ?? string.Empty;
            var attempt = _attempts.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (attempt != 1 || !_failFirst.TryGetValue(path, out var failure))
            {
                await next(context);
                return;
            }

            // Run the call to its end (its write committed), keeping its answer from the client.
            var body = context.Response.Body;
            using var held = new MemoryStream();
            context.Response.Body = held;
            await next(context);
            context.Response.Body = body;
            if (failure == Drop)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>");
        }

        private sealed class Filter(FaultyServer server) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, inner) => server.InvokeAsync(context, inner));
                next(app);
            };
        }
    }
}
