using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Storage.Tests.Tracking;

/// <summary>
/// Every behaviour an <see cref="ITrackingStore"/> must have, whatever the backend. Each backend
/// subclasses this and supplies a fresh store.
/// </summary>
public abstract partial class TrackingStoreComplianceTests : IAsyncLifetime
{
    private ITrackingStore? _store;

    protected ITrackingStore Store => _store ?? throw new InvalidOperationException("Store not created.");

    /// <summary>A new, empty store.</summary>
    protected abstract Task<ITrackingStore> CreateStoreAsync();

    /// <summary>Closes the store and opens it again on the same data.</summary>
    protected abstract Task<ITrackingStore> ReopenStoreAsync(ITrackingStore store);

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async ValueTask DisposeAsync()
    {
        if (_store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    private async Task<string> NewRunAsync(string? experimentId = null, string? name = null)
    {
        experimentId ??= await Store.CreateExperimentAsync("exp-" + Guid.NewGuid().ToString("N"), null, null);
        var run = await Store.CreateRunAsync(new CreateRunCommand(experimentId, "alice", name, 1000, null));
        return run.Info.RunId;
    }

    private static async Task<KeelException> Fails(ErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    [Fact]
    public async Task NewStore_HasDefaultExperimentZero()
    {
        var e = await Store.GetExperimentAsync("0");
        Assert.Equal("Default", e.Name);
        Assert.Equal(LifecycleStage.Active, e.LifecycleStage);
        Assert.Equal("0", (await Store.GetExperimentByNameAsync("Default")).ExperimentId);
    }

    [Fact]
    public async Task CreateExperiment_StoresNameTagsAndDefaultLocation()
    {
        var id = await Store.CreateExperimentAsync("churn", null, [new ExperimentTag("team", "risk")]);
        var e = await Store.GetExperimentAsync(id);
        Assert.Equal("churn", e.Name);
        Assert.Equal($"mlflow-artifacts:/{id}", e.ArtifactLocation);
        Assert.Equal([new ExperimentTag("team", "risk")], e.Tags);
        Assert.True(e.CreationTime > 0);
    }

    [Fact]
    public async Task CreateExperiment_KeepsExplicitArtifactLocation()
    {
        var id = await Store.CreateExperimentAsync("loc", "mlflow-artifacts:/custom", null);
        Assert.Equal("mlflow-artifacts:/custom", (await Store.GetExperimentAsync(id)).ArtifactLocation);
    }

    [Fact]
    public async Task CreateExperiment_DuplicateName_IsResourceAlreadyExists()
    {
        await Store.CreateExperimentAsync("dup", null, null);
        await Fails(ErrorCode.ResourceAlreadyExists, () => Store.CreateExperimentAsync("dup", null, null));
    }

    [Fact]
    public async Task CreateExperiment_NameOfDeletedExperiment_SaysDeleted()
    {
        var id = await Store.CreateExperimentAsync("gone", null, null);
        await Store.DeleteExperimentAsync(id);
        var e = await Fails(ErrorCode.ResourceAlreadyExists, () => Store.CreateExperimentAsync("gone", null, null));
        Assert.Contains("deleted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetExperiment_Unknown_IsResourceDoesNotExist()
    {
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetExperimentAsync("424242"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetExperimentAsync("not-a-number"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetExperimentByNameAsync("nope"));
    }

    [Fact]
    public async Task RenameExperiment_ChangesNameAndRefusesTakenOrDeleted()
    {
        var a = await Store.CreateExperimentAsync("a", null, null);
        await Store.CreateExperimentAsync("b", null, null);
        await Store.RenameExperimentAsync(a, "a2");
        Assert.Equal("a2", (await Store.GetExperimentAsync(a)).Name);
        await Fails(ErrorCode.ResourceAlreadyExists, () => Store.RenameExperimentAsync(a, "b"));
        await Store.DeleteExperimentAsync(a);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.RenameExperimentAsync(a, "a3"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.RenameExperimentAsync("999", "x"));
    }

    [Fact]
    public async Task DeleteExperiment_HidesItAndItsRuns_RestoreBringsThemBack()
    {
        var id = await Store.CreateExperimentAsync("del", null, null);
        var runId = await NewRunAsync(id);
        await Store.DeleteExperimentAsync(id);
        Assert.Equal(LifecycleStage.Deleted, (await Store.GetExperimentAsync(id)).LifecycleStage);
        Assert.Equal(LifecycleStage.Deleted, (await Store.GetRunAsync(runId)).Info.LifecycleStage);
        var active = await Store.SearchExperimentsAsync(new ExperimentSearchQuery());
        Assert.DoesNotContain(active.Items, e => e.ExperimentId == id);
        var deleted = await Store.SearchExperimentsAsync(new ExperimentSearchQuery(ViewType.DeletedOnly));
        Assert.Contains(deleted.Items, e => e.ExperimentId == id);
        var all = await Store.SearchExperimentsAsync(new ExperimentSearchQuery(ViewType.All));
        Assert.Contains(all.Items, e => e.ExperimentId == id);
        Assert.Contains(all.Items, e => e.ExperimentId == "0");

        await Store.RestoreExperimentAsync(id);
        Assert.Equal(LifecycleStage.Active, (await Store.GetExperimentAsync(id)).LifecycleStage);
        Assert.Equal(LifecycleStage.Active, (await Store.GetRunAsync(runId)).Info.LifecycleStage);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.RestoreExperimentAsync(id));
    }

    [Fact]
    public async Task DeleteExperiment_Default_IsRefused() =>
        await Fails(ErrorCode.InvalidParameterValue, () => Store.DeleteExperimentAsync("0"));

    [Fact]
    public async Task ExperimentTags_OverwriteAndDelete()
    {
        var id = await Store.CreateExperimentAsync("tags", null, null);
        await Store.SetExperimentTagAsync(id, "k", "1");
        await Store.SetExperimentTagAsync(id, "k", "2");
        Assert.Equal([new ExperimentTag("k", "2")], (await Store.GetExperimentAsync(id)).Tags);
        await Store.DeleteExperimentTagAsync(id, "k");
        Assert.Empty((await Store.GetExperimentAsync(id)).Tags);
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DeleteExperimentTagAsync(id, "k"));
        await Store.DeleteExperimentAsync(id);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SetExperimentTagAsync(id, "k", "3"));
    }

    [Fact]
    public async Task SearchExperiments_PagesToTheLastPage()
    {
        for (var i = 0; i < 7; i++)
        {
            await Store.CreateExperimentAsync($"page-{i}", null, null);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.SearchExperimentsAsync(new ExperimentSearchQuery(MaxResults: 3, PageToken: token));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(e => e.ExperimentId));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(8, seen.Distinct().Count());
    }

    [Fact]
    public async Task CreateRun_FillsInfoAndRunNameTag()
    {
        var experimentId = await Store.CreateExperimentAsync("runs", null, null);
        var run = await Store.CreateRunAsync(new CreateRunCommand(experimentId, "alice", "first", 1234, [new RunTag("t", "v")]));
        Assert.Matches("^[0-9a-f]{32}$", run.Info.RunId);
        Assert.Equal(run.Info.RunId, run.Info.RunUuid);
        Assert.Equal("first", run.Info.RunName);
        Assert.Equal("alice", run.Info.UserId);
        Assert.Equal(RunStatus.Running, run.Info.Status);
        Assert.Equal(1234, run.Info.StartTime);
        Assert.Null(run.Info.EndTime);
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{run.Info.RunId}/artifacts", run.Info.ArtifactUri);
        Assert.Contains(new RunTag("mlflow.runName", "first"), run.Data.Tags);
        Assert.Contains(new RunTag("t", "v"), run.Data.Tags);
    }

    [Fact]
    public async Task CreateRun_WithoutName_GetsAGeneratedName()
    {
        var run = await Store.GetRunAsync(await NewRunAsync());
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]+$", run.Info.RunName);
    }

    [Fact]
    public async Task CreateRun_InDeletedOrMissingExperiment_IsRefused()
    {
        var id = await Store.CreateExperimentAsync("closed", null, null);
        await Store.DeleteExperimentAsync(id);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.CreateRunAsync(new CreateRunCommand(id, null, null, null, null)));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.CreateRunAsync(new CreateRunCommand("98765", null, null, null, null)));
    }

    [Fact]
    public async Task GetRun_Unknown_IsResourceDoesNotExist() =>
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetRunAsync("0123456789abcdef0123456789abcdef"));

    [Fact]
    public async Task UpdateRun_SetsStatusEndTimeAndName()
    {
        var runId = await NewRunAsync();
        var info = await Store.UpdateRunAsync(runId, RunStatus.Finished, 5000, "renamed");
        Assert.Equal(RunStatus.Finished, info.Status);
        Assert.Equal(5000, info.EndTime);
        Assert.Equal("renamed", info.RunName);
        var run = await Store.GetRunAsync(runId);
        Assert.Contains(new RunTag("mlflow.runName", "renamed"), run.Data.Tags);
        info = await Store.UpdateRunAsync(runId, null, null, null);
        Assert.Equal(RunStatus.Finished, info.Status);
        Assert.Equal(5000, info.EndTime);
    }

    [Fact]
    public async Task DeletedRun_IsHiddenAndReadOnly_UntilRestored()
    {
        var experimentId = await Store.CreateExperimentAsync("lifecycle", null, null);
        var runId = await NewRunAsync(experimentId);
        await Store.DeleteRunAsync(runId);
        Assert.Equal(LifecycleStage.Deleted, (await Store.GetRunAsync(runId)).Info.LifecycleStage);
        Assert.Empty((await Store.SearchRunsAsync(new RunSearchQuery([experimentId]))).Items);
        Assert.Single((await Store.SearchRunsAsync(new RunSearchQuery([experimentId], ViewType: ViewType.DeletedOnly))).Items);
        Assert.Single((await Store.SearchRunsAsync(new RunSearchQuery([experimentId], ViewType: ViewType.All))).Items);

        await Fails(ErrorCode.InvalidParameterValue, () => Store.LogMetricAsync(runId, new Metric("m", 1, 1, 0)));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.LogParamAsync(runId, new Param("p", "1")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SetTagAsync(runId, new RunTag("t", "1")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.LogBatchAsync(runId, [new Metric("m", 1, 1, 0)], [], []));

        await Store.RestoreRunAsync(runId);
        await Store.LogMetricAsync(runId, new Metric("m", 1, 1, 0));
        Assert.Single((await Store.SearchRunsAsync(new RunSearchQuery([experimentId]))).Items);
    }

    [Fact]
    public async Task RunInDeletedExperiment_CannotBeWrittenTo()
    {
        var experimentId = await Store.CreateExperimentAsync("frozen", null, null);
        var runId = await NewRunAsync(experimentId);
        await Store.DeleteExperimentAsync(experimentId);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.LogMetricAsync(runId, new Metric("m", 1, 1, 0)));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.RestoreRunAsync(runId));
    }

    [Fact]
    public async Task Params_AreImmutable_ButIdenticalRelogIsAccepted()
    {
        var runId = await NewRunAsync();
        await Store.LogParamAsync(runId, new Param("lr", "0.1"));
        await Store.LogParamAsync(runId, new Param("lr", "0.1"));
        var e = await Fails(ErrorCode.InvalidParameterValue, () => Store.LogParamAsync(runId, new Param("lr", "0.2")));
        Assert.Contains("lr", e.Message, StringComparison.Ordinal);
        Assert.Equal([new Param("lr", "0.1")], (await Store.GetRunAsync(runId)).Data.Params);
    }

    [Fact]
    public async Task Metrics_RunShowsHighestStepThenLatestTimestamp()
    {
        var runId = await NewRunAsync();
        await Store.LogMetricAsync(runId, new Metric("loss", 0.9, 100, 1));
        await Store.LogMetricAsync(runId, new Metric("loss", 0.5, 50, 3));
        await Store.LogMetricAsync(runId, new Metric("loss", 0.7, 200, 2));
        await Store.LogMetricAsync(runId, new Metric("loss", 0.4, 60, 3));
        await Store.LogMetricAsync(runId, new Metric("loss", 0.3, 55, 3));
        var latest = Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics);
        Assert.Equal(new Metric("loss", 0.4, 60, 3), latest);
    }

    [Fact]
    public async Task MetricHistory_IsOrderedByStepThenTimestamp_AndIgnoresExactDuplicates()
    {
        var runId = await NewRunAsync();
        await Store.LogMetricAsync(runId, new Metric("acc", 0.2, 20, 2));
        await Store.LogMetricAsync(runId, new Metric("acc", 0.1, 10, 1));
        await Store.LogMetricAsync(runId, new Metric("acc", 0.1, 10, 1));
        await Store.LogMetricAsync(runId, new Metric("acc", 0.15, 5, 2));
        var history = await Store.GetMetricHistoryAsync(runId, "acc", int.MaxValue, null);
        Assert.Equal([new Metric("acc", 0.1, 10, 1), new Metric("acc", 0.15, 5, 2), new Metric("acc", 0.2, 20, 2)], history.Items);
        Assert.Null(history.NextPageToken);
        Assert.Empty((await Store.GetMetricHistoryAsync(runId, "missing", int.MaxValue, null)).Items);
    }

    [Fact]
    public async Task LogBatch_IgnoresDuplicatesInsideTheBatchAndAgainstStoredPoints_AndKeepsTheLatest()
    {
        var runId = await NewRunAsync();
        await Store.LogBatchAsync(runId, [new Metric("b", 1, 10, 1), new Metric("b", 2, 20, 2)], [], []);
        await Store.LogBatchAsync(
            runId,
            [
                new Metric("b", 1, 10, 1),   // stored already: ignored
                new Metric("b", 3, 30, 3),   // newer: appended
                new Metric("b", 3, 30, 3),   // repeat inside the batch: ignored
                new Metric("b", 1.5, 15, 1), // older but new: kept, does not become the latest
                new Metric("c", 7, 5, 0),
            ],
            [],
            []);
        var history = await Store.GetMetricHistoryAsync(runId, "b", int.MaxValue, null);
        Assert.Equal([new Metric("b", 1, 10, 1), new Metric("b", 1.5, 15, 1), new Metric("b", 2, 20, 2), new Metric("b", 3, 30, 3)], history.Items);
        var latest = (await Store.GetRunAsync(runId)).Data.Metrics.ToDictionary(m => m.Key);
        Assert.Equal(new Metric("b", 3, 30, 3), latest["b"]);
        Assert.Equal(new Metric("c", 7, 5, 0), latest["c"]);
    }

    [Fact]
    public async Task Metrics_NaNAndInfinities_AreStoredAsMlflowDoes()
    {
        var runId = await NewRunAsync();
        await Store.LogMetricAsync(runId, new Metric("nan", double.NaN, 1, 0));
        await Store.LogMetricAsync(runId, new Metric("pinf", double.PositiveInfinity, 1, 0));
        await Store.LogMetricAsync(runId, new Metric("ninf", double.NegativeInfinity, 1, 0));
        var metrics = (await Store.GetRunAsync(runId)).Data.Metrics.ToDictionary(m => m.Key, m => m.Value);
        Assert.True(double.IsNaN(metrics["nan"]));
        Assert.Equal(double.MaxValue, metrics["pinf"]);
        Assert.Equal(double.MinValue, metrics["ninf"]);
        Assert.True(double.IsNaN(Assert.Single((await Store.GetMetricHistoryAsync(runId, "nan", 10, null)).Items).Value));
    }

    [Fact]
    public async Task MetricHistory_PagesThroughEveryPoint()
    {
        var runId = await NewRunAsync();
        var metrics = Enumerable.Range(0, 250).Select(i => new Metric("curve", i * 0.5, 1000 + i, i)).ToList();
        for (var i = 0; i < metrics.Count; i += 100)
        {
            await Store.LogBatchAsync(runId, metrics.Skip(i).Take(100).ToList(), [], []);
        }

        var all = new List<Metric>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.GetMetricHistoryAsync(runId, "curve", 100, token);
            all.AddRange(page.Items);
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(metrics, all);
    }

    [Fact]
    public async Task MetricHistory_BadPageToken_IsInvalidParameter()
    {
        var runId = await NewRunAsync();
        await Fails(ErrorCode.InvalidParameterValue, () => Store.GetMetricHistoryAsync(runId, "m", 10, "garbage!"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetMetricHistoryAsync("0123456789abcdef0123456789abcdef", "m", 10, null));
    }

    [Fact]
    public async Task Tags_OverwriteDeleteAndRunNameTagRenamesRun()
    {
        var runId = await NewRunAsync();
        await Store.SetTagAsync(runId, new RunTag("env", "dev"));
        await Store.SetTagAsync(runId, new RunTag("env", "prod"));
        Assert.Contains(new RunTag("env", "prod"), (await Store.GetRunAsync(runId)).Data.Tags);
        await Store.DeleteTagAsync(runId, "env");
        Assert.DoesNotContain((await Store.GetRunAsync(runId)).Data.Tags, t => t.Key == "env");
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DeleteTagAsync(runId, "env"));
        await Store.SetTagAsync(runId, new RunTag("mlflow.runName", "via-tag"));
        Assert.Equal("via-tag", (await Store.GetRunAsync(runId)).Info.RunName);
    }

    [Fact]
    public async Task LogBatch_IsAllOrNothing()
    {
        var runId = await NewRunAsync();
        await Store.LogParamAsync(runId, new Param("fixed", "1"));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.LogBatchAsync(
            runId,
            [new Metric("m", 1, 1, 0)],
            [new Param("fresh", "x"), new Param("fixed", "2")],
            [new RunTag("t", "v")]));
        var run = await Store.GetRunAsync(runId);
        Assert.Empty(run.Data.Metrics);
        Assert.Equal([new Param("fixed", "1")], run.Data.Params);
        Assert.DoesNotContain(run.Data.Tags, t => t.Key == "t");
    }

    [Fact]
    public async Task LogBatch_WritesMetricsParamsAndTags()
    {
        var runId = await NewRunAsync();
        await Store.LogBatchAsync(runId, [new Metric("a", 1, 1, 0), new Metric("b", 2, 1, 0)], [new Param("p", "v")], [new RunTag("t", "v")]);
        var run = await Store.GetRunAsync(runId);
        Assert.Equal(2, run.Data.Metrics.Count);
        Assert.Equal([new Param("p", "v")], run.Data.Params);
        Assert.Contains(new RunTag("t", "v"), run.Data.Tags);
    }

    [Fact]
    public async Task LogInputs_RecordsDatasetsOnceWithTags()
    {
        var runId = await NewRunAsync();
        var input = new DatasetInput([new InputTag("mlflow.data.context", "training")], new Dataset("credit", "abc123", "local", "{\"uri\":\"credit.csv\"}", "{\"cols\":[]}", null));
        await Store.LogInputsAsync(runId, [input]);
        await Store.LogInputsAsync(runId, [input]);
        var inputs = (await Store.GetRunAsync(runId)).Inputs.DatasetInputs;
        var only = Assert.Single(inputs);
        Assert.Equal("credit", only.Dataset.Name);
        Assert.Equal("abc123", only.Dataset.Digest);
        Assert.Equal([new InputTag("mlflow.data.context", "training")], only.Tags);
    }

    [Fact]
    public async Task SearchRuns_DefaultOrderIsNewestFirst_AndPagesToTheEnd()
    {
        var experimentId = await Store.CreateExperimentAsync("search", null, null);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Store.CreateRunAsync(new CreateRunCommand(experimentId, null, $"r{i}", 1000 + i, null))).Info.RunId);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Store.SearchRunsAsync(new RunSearchQuery([experimentId], MaxResults: 2, PageToken: token));
            seen.AddRange(page.Items.Select(r => r.Info.RunId));
            token = page.NextPageToken;
        }
        while (token is not null);

        ids.Reverse();
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task ConcurrentWrites_AreAllKept()
    {
        var runId = await NewRunAsync();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Store.LogMetricAsync(runId, new Metric("c", i, i, i))));
        var history = await Store.GetMetricHistoryAsync(runId, "c", int.MaxValue, null);
        Assert.Equal(300, history.Items.Count);
        Assert.Equal(new Metric("c", 299, 299, 299), Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics));
    }

    [Fact]
    public async Task ConcurrentFailures_DoNotAffectOtherWrites()
    {
        var runId = await NewRunAsync();
        await Store.LogParamAsync(runId, new Param("p", "0"));
        var tasks = Enumerable.Range(0, 100).Select(i => i % 2 == 0
            ? Store.LogMetricAsync(runId, new Metric("ok", i, i, i))
            : Store.LogParamAsync(runId, new Param("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList();
        foreach (var t in tasks)
        {
            try
            {
                await t;
            }
            catch (KeelException)
            {
                // Expected for the conflicting params.
            }
        }

        Assert.Equal(50, tasks.Count(t => t.IsFaulted));
        Assert.Equal(50, (await Store.GetMetricHistoryAsync(runId, "ok", int.MaxValue, null)).Items.Count);
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheStore()
    {
        var runId = await NewRunAsync();
        await Store.LogMetricAsync(runId, new Metric("kept", 42, 1, 0));
        _store = await ReopenStoreAsync(Store);
        Assert.Equal(42, Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics).Value);
    }
}
