using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Client;

public sealed class RunsClientTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<(Keel.Client.KeelClient Client, string ExperimentId)> NewExperimentAsync()
    {
        var client = server.CreateClient();
        var id = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("runs"), cancellationToken: _ct);
        return (client, id);
    }

    [Fact]
    public async Task CreateRun_ThenGetRun_ReturnsRunningRunWithTags()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;

        var created = await client.CreateRunAsync(experimentId, "first", [new RunTag("source", "test")], _ct);
        var fetched = await client.GetRunAsync(created.Info.RunId, _ct);

        Assert.Equal(32, created.Info.RunId.Length);
        Assert.Equal("first", fetched.Info.RunName);
        Assert.Equal(experimentId, fetched.Info.ExperimentId);
        Assert.Equal(RunStatus.Running, fetched.Info.Status);
        Assert.Contains(new RunTag("source", "test"), fetched.Data.Tags);
    }

    [Fact]
    public async Task CreateRun_WithCommand_KeepsUserAndStartTime()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;

        var run = await client.CreateRunAsync(new CreateRunCommand(experimentId, "alice", "cmd", 1_700_000_000_000, null), _ct);

        Assert.Equal("alice", run.Info.UserId);
        Assert.Equal(1_700_000_000_000, run.Info.StartTime);
    }

    [Fact]
    public async Task CreateRun_UnknownExperiment_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateRunAsync("987654321", cancellationToken: _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task GetRun_UnknownId_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRunAsync(new string('0', 32), _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task UpdateRun_SetsStatusEndTimeAndName()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var run = await client.CreateRunAsync(experimentId, "before", cancellationToken: _ct);
        var end = run.Info.StartTime + 5_000;

        var info = await client.UpdateRunAsync(run.Info.RunId, RunStatus.Finished, end, "after", _ct);

        Assert.Equal(RunStatus.Finished, info.Status);
        Assert.Equal(end, info.EndTime);
        Assert.Equal("after", (await client.GetRunAsync(run.Info.RunId, _ct)).Info.RunName);
    }

    [Fact]
    public async Task DeleteAndRestoreRun_ChangeTheLifecycleStage()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var run = await client.CreateRunAsync(experimentId, cancellationToken: _ct);

        await client.DeleteRunAsync(run.Info.RunId, _ct);
        var deleted = await client.GetRunAsync(run.Info.RunId, _ct);
        await client.RestoreRunAsync(run.Info.RunId, _ct);

        Assert.Equal(LifecycleStage.Deleted, deleted.Info.LifecycleStage);
        Assert.Equal(LifecycleStage.Active, (await client.GetRunAsync(run.Info.RunId, _ct)).Info.LifecycleStage);
    }

    [Fact]
    public async Task SearchRuns_PageSizeOne_WalksEveryRunAndHonoursViewType()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await client.CreateRunAsync(experimentId, $"r{i}", cancellationToken: _ct)).Info.RunId);
        }

        await client.DeleteRunAsync(ids[0], _ct);

        var first = await client.SearchRunsAsync(new RunSearchQuery([experimentId], MaxResults: 1), _ct);
        var active = await CollectAsync(client.SearchAllRunsAsync(new RunSearchQuery([experimentId], MaxResults: 1), _ct));
        var all = await CollectAsync(client.SearchAllRunsAsync(new RunSearchQuery([experimentId], ViewType: ViewType.All), _ct));

        Assert.Single(first.Items);
        Assert.NotNull(first.NextPageToken);
        Assert.Equal(ids.Skip(1).Order(), active.Select(r => r.Info.RunId).Order());
        Assert.Equal(ids.Order(), all.Select(r => r.Info.RunId).Order());
    }

    [Fact]
    public async Task SearchRuns_MetricFilter_ReturnsOnlyMatches()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var good = await client.CreateRunAsync(experimentId, cancellationToken: _ct);
        var bad = await client.CreateRunAsync(experimentId, cancellationToken: _ct);
        await client.LogMetricAsync(good.Info.RunId, "rmse", 0.5, cancellationToken: _ct);
        await client.LogMetricAsync(bad.Info.RunId, "rmse", 2.0, cancellationToken: _ct);

        var result = await client.SearchRunsAsync(new RunSearchQuery([experimentId], "metrics.rmse < 1"), _ct);

        Assert.Equal([good.Info.RunId], result.Items.Select(r => r.Info.RunId));
    }

    [Fact]
    public async Task LogMetricParamAndTag_AppearInTheRunData()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;

        await client.LogMetricAsync(runId, new Metric("acc", 0.9, 1_700_000_000_000, 3), _ct);
        await client.LogMetricAsync(runId, "loss", double.NaN, 1, _ct);
        await client.LogParamAsync(runId, "lr", "0.01", _ct);
        await client.SetTagAsync(runId, "stage", "dev", _ct);
        var data = (await client.GetRunAsync(runId, _ct)).Data;

        Assert.Contains(new Metric("acc", 0.9, 1_700_000_000_000, 3), data.Metrics);
        Assert.True(double.IsNaN(Assert.Single(data.Metrics, m => m.Key == "loss").Value));
        Assert.Contains(new Param("lr", "0.01"), data.Params);
        Assert.Contains(new RunTag("stage", "dev"), data.Tags);
    }

    [Fact]
    public async Task LogMetric_WithoutTimestamp_UsesTheOptionsClock()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var client = new Keel.Client.KeelClient(server.BaseAddress, new Keel.Client.KeelClientOptions { MaxRetryAttempts = 0, TimeProvider = new FixedClock(now) });
        var experimentId = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("clock"), cancellationToken: _ct);
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;

        await client.LogMetricAsync(runId, "auc", 0.8, 2, _ct);

        Assert.Equal(new Metric("auc", 0.8, now.ToUnixTimeMilliseconds(), 2), Assert.Single((await client.GetRunAsync(runId, _ct)).Data.Metrics));
    }

    [Fact]
    public void KeelClient_IsAnITrackingStore()
    {
        using var client = server.CreateClient();

        Assert.IsAssignableFrom<ITrackingStore>(client);
    }

    [Fact]
    public async Task LogParam_DifferentValueTwice_ThrowsInvalidParameterValue()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
        await client.LogParamAsync(runId, "lr", "0.01", _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.LogParamAsync(runId, "lr", "0.02", _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task DeleteTag_RemovesTheTag_AndUnknownTagIsResourceDoesNotExist()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
        await client.SetTagAsync(runId, "temp", "x", _ct);

        await client.DeleteTagAsync(runId, "temp", _ct);
        var e = await Assert.ThrowsAsync<KeelException>(() => client.DeleteTagAsync(runId, "temp", _ct));

        Assert.DoesNotContain((await client.GetRunAsync(runId, _ct)).Data.Tags, t => t.Key == "temp");
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task LogBatch_WritesMetricsParamsAndTagsTogether()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;

        await client.LogBatchAsync(
            runId,
            [new Metric("m1", 1, 1_700_000_000_000, 0), new Metric("m1", 2, 1_700_000_000_001, 1)],
            [new Param("p1", "a"), new Param("p2", "b")],
            [new RunTag("t1", "c")],
            _ct);
        var data = (await client.GetRunAsync(runId, _ct)).Data;

        Assert.Equal(2, Assert.Single(data.Metrics, m => m.Key == "m1").Value);
        Assert.Equal(["p1", "p2"], data.Params.Select(p => p.Key).Order());
        Assert.Contains(new RunTag("t1", "c"), data.Tags);
    }

    [Fact]
    public async Task LogBatch_TooManyParams_ThrowsInvalidParameterValue()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
        var tooMany = Enumerable.Range(0, TrackingLimits.MaxParamsTagsPerBatch + 1).Select(i => new Param($"p{i}", "v")).ToList();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.LogBatchAsync(runId, [], tooMany, [], _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task LogInputs_RecordsTheDatasetWithItsTags()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
        var dataset = new Dataset("iris", "abc123", "local", "{\"uri\":\"iris.csv\"}");

        await client.LogInputsAsync(runId, [new DatasetInput([new InputTag("mlflow.data.context", "training")], dataset)], _ct);
        var inputs = (await client.GetRunAsync(runId, _ct)).Inputs.DatasetInputs;

        var input = Assert.Single(inputs);
        Assert.Equal("iris", input.Dataset.Name);
        Assert.Equal("abc123", input.Dataset.Digest);
        Assert.Contains(new InputTag("mlflow.data.context", "training"), input.Tags);
    }

    [Fact]
    public async Task LogModel_AppendsToTheLogModelHistoryTag()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
        var model = $$$"""{"artifact_path":"model","flavors":{"keel":{}},"utc_time_created":"2026-11-26 12:00:00.000000","run_id":"{{{runId}}}"}""";

        await client.LogModelAsync(runId, model, _ct);
        var tag = Assert.Single((await client.GetRunAsync(runId, _ct)).Data.Tags, t => t.Key == "mlflow.log-model.history");

        Assert.Contains("\"artifact_path\":\"model\"", tag.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogModel_NotJson_ThrowsInvalidParameterValue()
    {
        var (client, experimentId) = await NewExperimentAsync();
        using var _ = client;
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;

        var e = await Assert.ThrowsAsync<KeelException>(() => client.LogModelAsync(runId, "not json", _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
