using Keel.Core.Tracking;

namespace Keel.Storage.Tests.Tracking;

/// <summary>log-batch's metric semantics on batches large enough to take every path of a backend's bulk insert.</summary>
public abstract partial class TrackingStoreComplianceTests
{
    private static List<Metric> Points(string key, int count, int stepOffset = 0) =>
        [.. Enumerable.Range(stepOffset, count).Select(i => new Metric(key, i * 0.5, 1000 + i, i))];

    [Fact]
    public async Task LogBatch_RepeatsOfPointsEarlierInTheSameLargeBatch_AreStoredOnce_AndOlderNewPointsAreKept()
    {
        var runId = await NewRunAsync();
        var a = Points("a", 150);
        var b = Points("b", 150);
        var batch = a.Zip(b).SelectMany(p => new[] { p.First, p.Second }).ToList();
        batch.Insert(12, b[4]);     // a repeat of a point a few rows back, maybe still waiting to be written
        batch.Insert(70, a[20]);
        batch.Insert(200, b[99]);
        batch.Add(b[^1]);
        var older = new Metric("a", 7, 999, 0); // older than "a"'s newest point, but new: kept, not the latest
        batch.Add(older);
        batch.Add(older);

        await Store.LogBatchAsync(runId, batch, [], []);

        Assert.Equal([older, .. a], (await Store.GetMetricHistoryAsync(runId, "a", int.MaxValue, null)).Items);
        Assert.Equal(b, (await Store.GetMetricHistoryAsync(runId, "b", int.MaxValue, null)).Items);
        var latest = (await Store.GetRunAsync(runId)).Data.Metrics.ToDictionary(m => m.Key);
        Assert.Equal(a[^1], latest["a"]);
        Assert.Equal(b[^1], latest["b"]);
    }

    [Fact]
    public async Task LogBatch_StepsOutOfOrder_HistoryIsByStepThenTimestampThenArrival_AndTheLatestIsTheHighestStep()
    {
        var runId = await NewRunAsync();
        await Store.LogBatchAsync(
            runId,
            [new Metric("x", 5, 50, 5), new Metric("x", 1, 10, 1), new Metric("x", 9, 90, 9), new Metric("x", 3, 30, 3), new Metric("x", 9.5, 95, 9), new Metric("x", 2, 20, 2)],
            [],
            []);
        Assert.Equal(new Metric("x", 9.5, 95, 9), Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics));

        // No point newer than the stored latest: the one with the latest's step and timestamp, logged later, becomes the latest.
        await Store.LogBatchAsync(runId, [new Metric("x", 4, 40, 4), new Metric("x", 9.7, 95, 9), new Metric("x", 0, 0, 0)], [], []);

        var history = (await Store.GetMetricHistoryAsync(runId, "x", int.MaxValue, null)).Items;
        Assert.Equal([0L, 1, 2, 3, 4, 5, 9, 9, 9], history.Select(m => m.Step));
        Assert.Equal([9, 9.5, 9.7], history.Where(m => m.Step == 9).Select(m => m.Value));
        Assert.Equal(new Metric("x", 9.7, 95, 9), Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics));
    }

    [Fact]
    public async Task LogBatch_NaNAndInfinities_AreStoredAsMlflowDoes_AndARepeatedNaNIsOnePoint()
    {
        var runId = await NewRunAsync();
        await Store.LogBatchAsync(
            runId,
            [new Metric("n", double.NaN, 1, 0), new Metric("p", double.PositiveInfinity, 1, 0), new Metric("q", double.NegativeInfinity, 1, 0), new Metric("n", double.NaN, 1, 0)],
            [],
            []);
        await Store.LogBatchAsync(runId, [new Metric("n", double.NaN, 1, 0), new Metric("p", double.PositiveInfinity, 1, 0)], [], []);

        var latest = (await Store.GetRunAsync(runId)).Data.Metrics.ToDictionary(m => m.Key, m => m.Value);
        Assert.True(double.IsNaN(latest["n"]));
        Assert.Equal(double.MaxValue, latest["p"]);
        Assert.Equal(double.MinValue, latest["q"]);
        Assert.True(double.IsNaN(Assert.Single((await Store.GetMetricHistoryAsync(runId, "n", 10, null)).Items).Value));
        Assert.Single((await Store.GetMetricHistoryAsync(runId, "p", 10, null)).Items);
    }

    [Fact]
    public async Task ConcurrentBatches_OnOneRun_WithDistinctPoints_KeepEveryPoint_AndTheHighestStepAsLatest()
    {
        var runId = await NewRunAsync();
        var batches = Enumerable.Range(0, 8).Select(w => Points("c", 200, w * 200)).ToList();
        await Task.WhenAll(batches.Select(batch => Store.LogBatchAsync(runId, batch, [], [])));

        var expected = batches.SelectMany(batch => batch).ToList();
        Assert.Equal(expected, (await Store.GetMetricHistoryAsync(runId, "c", int.MaxValue, null)).Items);
        Assert.Equal(expected[^1], Assert.Single((await Store.GetRunAsync(runId)).Data.Metrics));
    }
}
