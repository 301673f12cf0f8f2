using Keel.Cli.Tests.Infrastructure;
using Keel.Client;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Client;

/// <summary>MLflow's own server leaves empty lists out of its JSON; the client and CLI must cope.</summary>
public sealed class MlflowCompatibilityTests
{
    private const string SparseRun = """{"run":{"info":{"run_id":"r1","run_uuid":"r1","run_name":"bare","experiment_id":"1","user_id":"u","status":"FINISHED","start_time":"1700000000000","artifact_uri":"mlflow-artifacts:/1/r1/artifacts","lifecycle_stage":"active"},"data":{},"inputs":{}}}""";
    private const string SparseExperiment = """{"experiment":{"experiment_id":"1","name":"e","artifact_location":"mlflow-artifacts:/1","lifecycle_stage":"active","last_update_time":"1","creation_time":"1"}}""";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static Task<StubServer> MlflowLikeServerAsync() => StubServer.StartAsync((ctx, _) => ctx.Request.Path.Value switch
    {
        "/api/2.0/mlflow/runs/get" => StubServer.JsonAsync(ctx, 200, SparseRun),
        "/api/2.0/mlflow/experiments/get" => StubServer.JsonAsync(ctx, 200, SparseExperiment),
        "/api/2.0/mlflow/runs/search" => StubServer.JsonAsync(ctx, 200, "{}"),
        _ => StubServer.JsonAsync(ctx, 404, """{"error_code":"ENDPOINT_NOT_FOUND","message":"no"}"""),
    });

    [Fact]
    public async Task SparseRunAndExperiment_ComeBackWithEmptyLists()
    {
        await using var stub = await MlflowLikeServerAsync();
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

        var run = await client.GetRunAsync("r1", _ct);
        var experiment = await client.GetExperimentAsync("1", _ct);
        var search = await client.SearchRunsAsync(new RunSearchQuery(["1"]), _ct);

        Assert.Empty(run.Data.Params);
        Assert.Empty(run.Data.Metrics);
        Assert.Empty(run.Data.Tags);
        Assert.Empty(run.Inputs.DatasetInputs);
        Assert.Equal(1_700_000_000_000, run.Info.StartTime);
        Assert.Empty(experiment.Tags);
        Assert.Empty(search.Items);
        Assert.Null(search.NextPageToken);
    }

    [Fact]
    public async Task RunsShowAndCompare_WorkOnSparseRuns()
    {
        await using var stub = await MlflowLikeServerAsync();

        var show = await CliRun.RunAsync(["runs", "show", "r1", "--tracking-uri", stub.BaseAddress.AbsoluteUri]);
        var compare = await CliRun.RunAsync(["runs", "compare", "r1", "r1", "--tracking-uri", stub.BaseAddress.AbsoluteUri, "--json"]);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(show.Lines, l => l.StartsWith("Name", StringComparison.Ordinal) && l.EndsWith("bare", StringComparison.Ordinal));
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Equal(0, compare.Json().GetProperty("params").GetArrayLength());
    }
}
