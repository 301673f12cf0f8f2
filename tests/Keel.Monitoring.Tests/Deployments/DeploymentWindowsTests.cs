using System.Text;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Deployments;

namespace Keel.Monitoring.Tests.Deployments;

public sealed class DeploymentWindowsTests
{
    private static readonly string[] Columns = ["age", "city"];

    private static DeploymentObservation Observation(string arm, long t, string outputs, string inputs = "[[1,\"x\"]]", bool failed = false, int rows = 1, long latency = 100, string version = "2") =>
        new("credit", arm, version, "r" + t, t, latency, failed, rows, Columns, Encoding.UTF8.GetBytes(inputs), failed ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(outputs));

    [Fact]
    public void Observe_KeepsRequestsScoresLabelsAndInputRows_OfEachArm()
    {
        var windows = new DeploymentWindows();
        windows.Observe(Observation(DeploymentArms.Candidate, 1000, """[{"predicted_label":"good","probability":0.8,"probabilities":{"bad":0.2,"good":0.8}},{"predicted_label":1,"probability":null}]""", "[[30,\"Paris\"],[41,\"Oslo\"]]", rows: 2));
        windows.Observe(Observation(DeploymentArms.Stable, 1001, "[12.5]"));
        windows.Observe(Observation(DeploymentArms.Candidate, 1002, "", failed: true, latency: 7));

        var candidate = windows.Snapshot("credit", DeploymentArms.Candidate, 0);
        Assert.Equal([false, true], candidate.Requests.Select(r => r.Failed));
        Assert.Equal([("good", 0.8), ("1", double.NaN)], candidate.Predictions.Select(p => (p.Label!, p.Score)));
        Assert.Equal(["[30,\"Paris\"]", "[41,\"Oslo\"]", "[1,\"x\"]"], candidate.Inputs.Select(r => Encoding.UTF8.GetString(r.RowUtf8.Span)));
        Assert.Same(Columns, candidate.Inputs[0].Columns);
        var stable = windows.Snapshot("credit", DeploymentArms.Stable, 0);
        Assert.Equal([(12.5, (string?)null)], stable.Predictions.Select(p => (p.Score, p.Label)));
        Assert.Equal(0, windows.Dropped);
    }

    [Fact]
    public void Snapshot_FiltersByTimeRangeAndVersion()
    {
        var windows = new DeploymentWindows();
        for (int t = 0; t < 10; t++)
        {
            windows.Observe(Observation(DeploymentArms.Stable, t * 1000, "[1]", version: t < 5 ? "1" : "2"));
        }

        Assert.Equal(3, windows.Snapshot("credit", DeploymentArms.Stable, 2000, 5000).Requests.Count);
        Assert.Equal(2, windows.Snapshot("credit", DeploymentArms.Stable, 2000, 7000, version: "2").Requests.Count);
        Assert.Empty(windows.Snapshot("other", DeploymentArms.Stable, 0).Requests);
    }

    [Fact]
    public void Rings_AreBounded_KeepTheLatest_AndSayTheyDroppedPartOfTheRange()
    {
        var windows = new DeploymentWindows(new DeploymentWindowOptions { Requests = 16, Predictions = 16, InputRows = 16 });
        for (int t = 0; t < 100; t++)
        {
            windows.Observe(Observation(DeploymentArms.Stable, t, $"[{t}]", failed: t % 10 == 0));
        }

        var all = windows.Snapshot("credit", DeploymentArms.Stable, 0);
        Assert.Equal(Enumerable.Range(84, 16).Select(t => (long)t), all.Requests.Select(r => r.TimestampMs));
        Assert.True(all.Truncated);
        Assert.False(windows.Snapshot("credit", DeploymentArms.Stable, 90).Truncated);
        // The ring covers t >= 84 exactly; earlier starts fall back to the per-second counters (all 100 in second 0).
        Assert.Equal(new ArmCounts(6, 0), windows.Count("credit", DeploymentArms.Stable, 94));
        Assert.Equal(new ArmCounts(10, 1), windows.Count("credit", DeploymentArms.Stable, 90));
        Assert.Equal(new ArmCounts(100, 10), windows.Count("credit", DeploymentArms.Stable, 0));
    }

    [Fact]
    public void Observe_NeverThrows_OnMalformedOutputsOrInputs_AndCountsTheDrop()
    {
        var windows = new DeploymentWindows();
        windows.Observe(Observation(DeploymentArms.Stable, 1, "{not json", "also not json"));
        windows.Observe(Observation(DeploymentArms.Stable, 2, "[\"text\"]", "[1,2]"));
        windows.Observe(Observation(DeploymentArms.Stable, 3, "[1, 2", "[[1,2]"));

        Assert.Equal(3, windows.Snapshot("credit", DeploymentArms.Stable, 0).Requests.Count);
        Assert.True(windows.Dropped >= 2);
    }

    [Fact]
    public void Observe_IsSafeFromManyThreads_AndLosesNoRequest()
    {
        var windows = new DeploymentWindows(new DeploymentWindowOptions { Requests = 100_000 });
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 5000; i++)
            {
                windows.Observe(Observation(DeploymentArms.Candidate, i, $"[{{\"predicted_label\":\"c{i % 3}\",\"probability\":0.5}}]", failed: i % 100 == 0));
            }
        });

        Assert.Equal(new ArmCounts(40_000, 400), windows.Count("credit", DeploymentArms.Candidate, 0));
        Assert.Equal(["c0", "c1", "c2"], windows.Snapshot("credit", DeploymentArms.Candidate, 0).Predictions.Select(p => p.Label).Distinct().Order());
    }
}
