using Keel.Core.Errors;
using Keel.Core.Monitoring;

namespace Keel.Storage.Tests.Monitoring;

// Windows: the upsert on the window key, every field round-tripping, filters, paging, the latest
// window per series and retention.
public abstract partial class MonitoringStoreComplianceTests
{
    /// <summary>Five minutes, the default window.</summary>
    protected const long Step = 300_000;

    /// <summary>A window of <paramref name="model"/>/<paramref name="version"/> ending <paramref name="index"/> steps after the clock's start.</summary>
    protected MonitorWindow Window(string model, string version, int index, string? deployment = null, string? arm = null, double score = 0.1) => new()
    {
        Model = model,
        Version = version,
        Deployment = deployment,
        Arm = arm,
        StartMs = Start + (index * Step),
        EndMs = Start + ((index + 1) * Step),
        ComputedAtMs = Start + ((index + 1) * Step) + 7,
        Requests = 1000 + index,
        Errors = 3,
        LatencyP50Us = 812.5,
        LatencyP99Us = 4_100.25,
        InputRows = 990,
        ReferenceSource = "training",
        DriftedShare = 0.25,
        DatasetDrift = false,
        Features =
        [
            new FeatureDrift("income", "input", "ks", score, 0.0123, 0.05, false),
            new FeatureDrift("age", "input", "wasserstein", 0.4, null, 0.1, true),
            new FeatureDrift("prediction", "prediction", "chisquare", 12.5, 1e-9, 0.05, true),
        ],
        Quality = new WindowQuality(false, 0.01, 0.2, 0, ["income: 20% out of range", "age: 1% missing"]),
        Performance = new WindowPerformance("auc", true, 0.81, 400, 0.79, 990, 0.84),
    };

    private long Start => 1_700_000_000_000;

    [Fact]
    public async Task PutWindows_ThenList_RoundTripsEveryFieldExactly_WithIds_AndFeaturesInTheirOrder()
    {
        var full = Window("m", "3", 0, "credit-prod", "candidate") with
        {
            Features = [new FeatureDrift("zeta", "input", "psi", double.PositiveInfinity, null, 0.2, true), .. Window("m", "3", 0).Features],
        };
        var bare = new MonitorWindow { Model = "m", Version = "3", StartMs = Start + Step, EndMs = Start + (2 * Step), ComputedAtMs = Start + (2 * Step) };

        var stored = await Store.PutWindowsAsync([full, bare]);

        Assert.All(stored, w => Assert.True(w.Id > 0));
        Assert.NotEqual(stored[0].Id, stored[1].Id);
        var read = (await Store.ListWindowsAsync(new MonitorWindowQuery("m"))).Items;
        Assert.Equal(2, read.Count);
        AssertSame(full with { Id = stored[0].Id }, read[0]);
        AssertSame(bare with { Id = stored[1].Id }, read[1]);
        Assert.Equal(["zeta", "income", "age", "prediction"], read[0].Features.Select(f => f.Feature));
        Assert.Equal(double.PositiveInfinity, read[0].Features[0].Score);
        Assert.Null(read[1].Quality);
        Assert.Null(read[1].Performance);
        Assert.Null(read[1].DriftedShare);
        Assert.Empty(read[1].Features);
    }

    [Fact]
    public async Task PutWindows_TheSameWindowAgain_ReplacesIt_KeepingItsId_AndOnlyItsNewFeatures()
    {
        var first = (await Store.PutWindowsAsync([Window("m", "1", 0, "d", "stable")]))[0];
        var recomputed = Window("m", "1", 0, "d", "stable") with { Requests = 5, ComputedAtMs = first.ComputedAtMs + 60_000, Features = [new FeatureDrift("income", "input", "ks", 0.9, 0.0001, 0.05, true)], Quality = null };
        var second = (await Store.PutWindowsAsync([recomputed]))[0];

        Assert.Equal(first.Id, second.Id);
        var read = Assert.Single((await Store.ListWindowsAsync(new MonitorWindowQuery("m"))).Items);
        AssertSame(recomputed with { Id = first.Id }, read);

        // Another start, arm, deployment or version is another window.
        await Store.PutWindowsAsync([Window("m", "1", 0, "d", "candidate"), Window("m", "1", 0, "d"), Window("m", "1", 0), Window("m", "2", 0, "d", "stable"), Window("m", "1", 0, "d", "stable") with { StartMs = Start - Step }]);
        Assert.Equal(6, (await Store.ListWindowsAsync(new MonitorWindowQuery("m"))).Items.Count);
    }

    [Fact]
    public async Task PutWindows_AnInvalidWindow_RefusesTheWholeBatch()
    {
        var good = Window("m", "1", 0);
        var cases = new[]
        {
            Window("m", "1", 1) with { EndMs = Start + Step },
            Window("m", "1", 1) with { Features = [new FeatureDrift("x", "input", "ks", double.NaN, null, 0.05, false)] },
            Window("m", "1", 1) with { DriftedShare = double.NaN },
            Window("m", "1", 1) with { Performance = new WindowPerformance("auc", true, double.NaN, 1, null, 0, null) },
            Window("m", "1", 1) with { Version = "" },
            Window("m", "1", 1) with { Requests = -1 },
        };
        foreach (var bad in cases)
        {
            await Fails(ErrorCode.InvalidParameterValue, () => Store.PutWindowsAsync([good, bad]));
        }

        Assert.Empty((await Store.ListWindowsAsync(new MonitorWindowQuery("m"))).Items);
        Assert.Empty(await Store.PutWindowsAsync([]));
    }

    [Fact]
    public async Task ListWindows_FiltersByVersionDeploymentArmAndTime_OldestFirst()
    {
        await Store.PutWindowsAsync(
        [
            Window("m", "2", 2, "dep", "candidate"), Window("m", "1", 2, "dep", "stable"), Window("m", "1", 0), Window("m", "1", 1),
            Window("m", "1", 1, "dep", "stable"), Window("other", "1", 1),
        ]);

        async Task<string[]> Ids(MonitorWindowQuery q) =>
            [.. (await Store.ListWindowsAsync(q)).Items.Select(w => $"{w.Version}/{w.Deployment}/{w.Arm}@{(w.EndMs - Start) / Step}")];

        // Ties on the end keep the order the windows were stored in.
        Assert.Equal(["1//@1", "1//@2", "1/dep/stable@2", "2/dep/candidate@3", "1/dep/stable@3"], await Ids(new MonitorWindowQuery("m")));
        Assert.Equal(["2/dep/candidate@3"], await Ids(new MonitorWindowQuery("m", Version: "2")));
        Assert.Equal(["1/dep/stable@2", "2/dep/candidate@3", "1/dep/stable@3"], await Ids(new MonitorWindowQuery("m", Deployment: "dep")));
        Assert.Equal(["1/dep/stable@2", "1/dep/stable@3"], await Ids(new MonitorWindowQuery("m", Deployment: "dep", Arm: "stable")));
        Assert.Equal(["1//@2", "1/dep/stable@2"], await Ids(new MonitorWindowQuery("m", FromMs: Start + Step, ToMs: Start + (2 * Step))));
        Assert.Empty(await Ids(new MonitorWindowQuery("nobody")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListWindowsAsync(new MonitorWindowQuery("m", MaxResults: 0)));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListWindowsAsync(new MonitorWindowQuery("m", MaxResults: MonitorWindowQuery.MaxPageSize + 1)));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListWindowsAsync(new MonitorWindowQuery("")));
    }

    [Fact]
    public async Task ListWindows_PagesThroughEveryWindowOnce()
    {
        await Store.PutWindowsAsync([.. Enumerable.Range(0, 25).Select(i => Window("m", "1", i))]);
        var seen = new List<long>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListWindowsAsync(new MonitorWindowQuery("m", MaxResults: 10, PageToken: token));
            seen.AddRange(page.Items.Select(w => w.EndMs));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => Start + (i * Step)), seen);
        Assert.Equal(3, (await Store.ListWindowsAsync(new MonitorWindowQuery("m", MaxResults: 10, PageToken: token))).Items[0].Features.Count);
    }

    [Fact]
    public async Task LatestWindows_IsTheLastWindowOfEverySeries_OfOneModelOrOfAll()
    {
        await Store.PutWindowsAsync(
        [
            Window("m", "1", 0), Window("m", "1", 4, score: 0.4), Window("m", "1", 2),
            Window("m", "1", 1, "dep", "stable"), Window("m", "2", 3, "dep", "candidate", score: 0.3), Window("m", "2", 1, "dep", "candidate"),
            Window("other", "7", 9, score: 0.9),
        ]);

        var latest = await Store.LatestWindowsAsync("m");
        Assert.Equal(["1//@5", "1/dep/stable@2", "2/dep/candidate@4"], latest.Select(w => $"{w.Version}/{w.Deployment}/{w.Arm}@{(w.EndMs - Start) / Step}"));
        Assert.Equal(0.4, latest[0].Features[0].Score);
        Assert.Equal(0.3, latest[2].Features[0].Score);
        Assert.Equal(4, (await Store.LatestWindowsAsync(null)).Count);
        Assert.Empty(await Store.LatestWindowsAsync("nobody"));
    }

    [Fact]
    public async Task DeleteWindowsBefore_DeletesOnlyWindowsThatEndedBefore_InBatches()
    {
        await Store.PutWindowsAsync([.. Enumerable.Range(0, 2_600).Select(i => Window("m", "1", i))]);
        await Store.PutWindowsAsync([Window("other", "1", 0), Window("other", "1", 3_000)]);

        // Windows 0..2499 end at or before Start + 2500 steps; window 2499 ends exactly there and stays.
        var deleted = await Store.DeleteWindowsBeforeAsync(Start + (2_500 * Step));

        Assert.Equal(2_499 + 1, deleted);
        var left = (await Store.ListWindowsAsync(new MonitorWindowQuery("m", MaxResults: 10_000))).Items;
        Assert.Equal(101, left.Count);
        Assert.Equal(Start + (2_500 * Step), left[0].EndMs);
        Assert.Equal(3, left[0].Features.Count);
        Assert.Single((await Store.ListWindowsAsync(new MonitorWindowQuery("other"))).Items);
        Assert.Equal(0, await Store.DeleteWindowsBeforeAsync(Start));
    }
}
