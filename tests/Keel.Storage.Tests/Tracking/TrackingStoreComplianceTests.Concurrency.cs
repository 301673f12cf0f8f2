using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Storage.Tests.Tracking;

/// <summary>Concurrent writers and the edges of writes: what a backend that does not serialize every write must still get right.</summary>
public abstract partial class TrackingStoreComplianceTests
{
    [Fact]
    public async Task ConcurrentBatches_WithTheSamePoints_StoreEachPointOnce()
    {
        var runId = await NewRunAsync();
        var points = Enumerable.Range(0, 200).Select(i => new Metric("same", i * 0.25, 5000 + i, i)).ToList();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.LogBatchAsync(runId, points, [], [])));
        var history = await Store.GetMetricHistoryAsync(runId, "same", int.MaxValue, null);
        Assert.Equal(points, history.Items);
        Assert.Equal(points[^1], Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics));
    }

    [Fact]
    public async Task ConcurrentLogMetric_ToADeletedRun_FailsOnlyThoseCalls()
    {
        var live = await NewRunAsync();
        var deleted = await NewRunAsync();
        await Store.DeleteRunAsync(deleted);
        var calls = Enumerable.Range(0, 60).Select(i => (Run: i % 3 == 0 ? deleted : live, Task: Store.LogMetricAsync(i % 3 == 0 ? deleted : live, new Metric("m", i, i, i)))).ToList();
        foreach (var (run, task) in calls)
        {
            if (run == deleted)
            {
                var e = await Assert.ThrowsAsync<KeelException>(() => task);
                Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
            }
            else
            {
                await task;
            }
        }

        Assert.Equal(40, (await Store.GetMetricHistoryAsync(live, "m", int.MaxValue, null)).Items.Count);
        await Store.RestoreRunAsync(deleted);
        Assert.Empty((await Store.GetMetricHistoryAsync(deleted, "m", int.MaxValue, null)).Items);
    }

    [Fact]
    public async Task ConcurrentLogMetric_ToAnUnknownRun_IsResourceDoesNotExist_AndOthersAreKept()
    {
        var live = await NewRunAsync();
        var unknown = Store.LogMetricAsync("0123456789abcdef0123456789abcdef", new Metric("m", 1, 1, 1));
        var kept = Enumerable.Range(0, 20).Select(i => Store.LogMetricAsync(live, new Metric("m", i, i, i))).ToList();
        await Fails(ErrorCode.ResourceDoesNotExist, () => unknown);
        await Task.WhenAll(kept);
        Assert.Equal(20, (await Store.GetMetricHistoryAsync(live, "m", int.MaxValue, null)).Items.Count);
    }

    [Fact]
    public async Task ConcurrentLogMetric_SamePointManyTimes_IsStoredOnce()
    {
        var runId = await NewRunAsync();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Store.LogMetricAsync(runId, new Metric("dup", 0.5, 77, 7))));
        Assert.Equal([new Metric("dup", 0.5, 77, 7)], (await Store.GetMetricHistoryAsync(runId, "dup", int.MaxValue, null)).Items);
    }

    [Fact]
    public async Task MetricHistory_PagesThroughPointsSharingStepAndTimestamp_InArrivalOrder()
    {
        var runId = await NewRunAsync();
        var points = Enumerable.Range(0, 7).Select(i => new Metric("tie", 10 - i, 500, 3)).ToList();
        foreach (var point in points)
        {
            await Store.LogMetricAsync(runId, point);
        }

        var all = new List<Metric>();
        string? token = null;
        do
        {
            var page = await Store.GetMetricHistoryAsync(runId, "tie", 2, token);
            Assert.True(page.Items.Count <= 2);
            all.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(points, all);
        Assert.Equal(points[^1], Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics));
    }

    [Fact]
    public async Task LogBatch_RepeatedParamWithSameValue_AndRepeatedTag_LastTagWins()
    {
        var runId = await NewRunAsync();
        await Store.LogBatchAsync(runId, [], [new Param("p", "1"), new Param("p", "1")], [new RunTag("t", "first"), new RunTag("t", "second")]);
        var run = await Store.GetRunAsync(runId);
        Assert.Equal([new Param("p", "1")], run.Data.Params);
        Assert.Contains(new RunTag("t", "second"), run.Data.Tags);
        Assert.DoesNotContain(new RunTag("t", "first"), run.Data.Tags);
    }

    [Fact]
    public async Task LogBatch_RunNameTag_RenamesTheRun()
    {
        var runId = await NewRunAsync();
        await Store.LogBatchAsync(runId, [new Metric("m", 1, 1, 0)], [], [new RunTag("mlflow.runName", "from-batch")]);
        Assert.Equal("from-batch", (await Store.GetRunAsync(runId)).Info.RunName);
    }

    [Fact]
    public async Task UpdateDeleteRestoreRun_UnknownOrDeleted_AreRefused()
    {
        const string Unknown = "0123456789abcdef0123456789abcdef";
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.UpdateRunAsync(Unknown, RunStatus.Finished, null, null));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DeleteRunAsync(Unknown));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.RestoreRunAsync(Unknown));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.LogBatchAsync(Unknown, [new Metric("m", 1, 1, 0)], [], []));
        var runId = await NewRunAsync();
        await Store.DeleteRunAsync(runId);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.UpdateRunAsync(runId, RunStatus.Finished, null, null));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.DeleteTagAsync(runId, "mlflow.runName"));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.LogInputsAsync(runId, [new DatasetInput([], new Dataset("d", "x", "local", "s", null, null))]));
    }

    [Fact]
    public async Task LogInputs_RelogOverwritesInputTags_AndListsDatasetsByNameThenDigest()
    {
        var runId = await NewRunAsync();
        var b = new Dataset("b", "2", "local", "{}", null, "{\"rows\":3}");
        var a = new Dataset("a", "9", "local", "{}", null, null);
        await Store.LogInputsAsync(runId, [new DatasetInput([new InputTag("mlflow.data.context", "training")], b)]);
        await Store.LogInputsAsync(runId, [new DatasetInput([new InputTag("mlflow.data.context", "eval")], b), new DatasetInput([], a)]);
        var inputs = (await Store.GetRunAsync(runId)).Inputs.DatasetInputs;
        Assert.Equal(["a", "b"], inputs.Select(i => i.Dataset.Name));
        Assert.Equal([new InputTag("mlflow.data.context", "eval")], inputs[1].Tags);
        Assert.Equal("{\"rows\":3}", inputs[1].Dataset.Profile);
        Assert.Null(inputs[0].Dataset.Profile);
    }

    [Fact]
    public async Task DefaultExperiment_IsCreatedOnce_AcrossReopens()
    {
        _store = await ReopenStoreAsync(Store);
        _store = await ReopenStoreAsync(Store);
        var all = await Store.SearchExperimentsAsync(new ExperimentSearchQuery(ViewType.All));
        Assert.Single(all.Items, e => e.Name == "Default");
        Assert.NotEqual("0", await Store.CreateExperimentAsync("after-reopen", null, null));
    }
}
