using Keel.Core.Predictions;
using Keel.Core.Validation.Gates;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Tests.Monitors;

public sealed class MonitoringPassTests
{
    private const int WindowRows = 200;

    [Fact]
    public async Task ReplayedFlights_DriftInjectedAtAKnownWindow_IsDetectedFromThatWindowOn_AndNotBefore()
    {
        var log = await ReplayedLog.FlightsAsync();
        var version = log.Version();
        var stream = log.StreamRows;
        const int injectedAt = 3;

        var verdicts = new List<MonitoringPassResult>();
        for (var w = 0; w < stream.Length / WindowRows; w++)
        {
            var rows = stream.Skip(w * WindowRows).Take(WindowRows);

            // From the known window on, every flight is reported 40 % longer than it is.
            var records = log.Records(rows, w * 1000L, w >= injectedAt ? (d, o) => (d * 1.4, o) : null);
            verdicts.Add(Pass(version, records));
        }

        Assert.Equal(5, verdicts.Count);
        for (var w = 0; w < verdicts.Count; w++)
        {
            var distance = verdicts[w].InputDrift!.Columns.Single(c => c.Column == "distance");
            Assert.True(distance.Drifted == w >= injectedAt, $"window {w}: distance drifted = {distance.Drifted} ({distance.Test}, p = {distance.AdjustedPValue})");
            Assert.Equal(WindowRows, verdicts[w].InputRows);
        }

        Assert.All(verdicts.Take(injectedAt), v => Assert.Equal(0, v.InputDrift!.DriftedColumns));
        Assert.All(verdicts, v => Assert.Equal(MultipleTestingCorrection.BenjaminiHochberg, v.InputDrift!.Correction));
    }

    [Fact]
    public async Task ReplayedFlights_WithoutInjection_NoWindowDrifts()
    {
        // The stream in random order: each window is a fair draw of the same flights as the
        // reference (time order is left out on purpose: real traffic mixes do change by the day).
        var log = await ReplayedLog.FlightsAsync();
        var version = log.Version();
        var stream = log.StreamRows;
        new Random(2026).Shuffle(stream);

        for (var w = 0; w < stream.Length / WindowRows; w++)
        {
            var result = Pass(version, log.Records(stream.Skip(w * WindowRows).Take(WindowRows), w * 1000L));

            Assert.False(result.InputDrift!.DatasetDrift, $"window {w}");
            Assert.True(result.InputDrift.DriftedColumns == 0, $"window {w}: " + string.Join(", ", result.InputDrift.Columns.Select(c => $"{c.Column} {c.Test} p={c.AdjustedPValue} {c.Drifted}")));
            Assert.Equal(3, result.InputDrift.ComparedColumns);
            Assert.Null(result.PredictionDrift);
        }
    }

    [Fact]
    public async Task ReplayedFlights_ManyWindowsWithoutInjection_NumericFalseAlarmRateConsistentWithAlpha()
    {
        // 60 windows of 200 flights drawn at random from the stream: under no drift the KS test
        // on distance flags a window with probability at most α = 0.05 (BH-adjusted p ≥ raw p),
        // so about 3 windows; more than 9 (P < 0.2 % for a binomial(60, 0.05)) would mean the test
        // or the correction is off. The airports are left out of this count: the chi-square test
        // on their ~130 sparse categories flags about one window in five under no drift (a known
        // limit of the engine's chi-square with small expected counts, see docs/monitoring.md).
        var log = await ReplayedLog.FlightsAsync();
        var version = log.Version();
        var stream = log.StreamRows;
        var random = new Random(7);
        var alarms = 0;
        for (var w = 0; w < 60; w++)
        {
            var rows = random.GetItems(stream, WindowRows);
            alarms += Pass(version, log.Records(rows, w * 1000L)).InputDrift!.Columns.Single(c => c.Column == "distance").Drifted ? 1 : 0;
        }

        Assert.InRange(alarms, 0, 9);
    }

    [Fact]
    public async Task ReplayedFlights_WholeStream_TestsChosenAutomatically_AndQualityPasses()
    {
        var log = await ReplayedLog.FlightsAsync();

        var result = Pass(log.Version(), log.Records(log.StreamRows, 0));

        Assert.Equal(1000, result.Requests);
        Assert.Equal(1000, result.InputRows);
        Assert.Equal(1000, result.PredictionRows);
        Assert.Equal("ks", result.InputDrift!.Columns.Single(c => c.Column == "distance").Test);
        Assert.All(result.InputDrift.Columns, c => Assert.True(c.AutoSelected));
        Assert.Equal("training", result.ReferenceSource);
        Assert.NotNull(result.Quality);
    }

    [Fact]
    public async Task Quality_MissingValues_OutOfRangeDistances_UnseenAirports_EachFailTheirCheck()
    {
        var log = await ReplayedLog.FlightsAsync();
        var version = log.Version();
        var rows = log.StreamRows.Take(400).ToArray();
        var maxDistance = version.TrainingProfile!.Find("distance")!.Max!.Value;

        // Every fourth flight goes twice as far as the longest training flight and leaves from an airport training never saw.
        var i = 0;
        var changed = log.Records(rows, 0, (d, o) => i++ % 4 == 0 ? (maxDistance * 2, "ZZZ") : (d, o)).ToList();

        // And every fifth request arrives with no values at all.
        var records = changed.Select((r, k) => k % 5 == 0 ? r with { InputsJson = "[[null,null,null]]" } : r);
        var result = Pass(version, records);

        var checks = result.Quality!.Checks;
        Assert.Equal(GateOutcome.Failed, checks.Single(c => c is { Column: "distance", Kind: QualityCheckKind.OutOfRangeShare }).Outcome);
        Assert.Equal(GateOutcome.Failed, checks.Single(c => c is { Column: "origin", Kind: QualityCheckKind.UnseenCategoryShare }).Outcome);
        Assert.Equal(GateOutcome.Failed, checks.Single(c => c is { Column: "distance", Kind: QualityCheckKind.MissingShare }).Outcome);

        // The same flights unchanged: no missing values, and far fewer out-of-range or unseen ones
        // (real traffic has a few: rare airports absent from the reference half).
        var clean = Pass(version, log.Records(rows, 0)).Quality!.Checks;
        Assert.All(clean.Where(c => c.Kind == QualityCheckKind.MissingShare), c => Assert.Equal(GateOutcome.Passed, c.Outcome));
        Assert.True(clean.Single(c => c is { Column: "distance", Kind: QualityCheckKind.OutOfRangeShare }).Value < 0.01);
        Assert.True(clean.Single(c => c is { Column: "origin", Kind: QualityCheckKind.UnseenCategoryShare }).Value < 0.05);
    }

    private static MonitoringPassResult Pass(Reference.MonitoredVersion version, IEnumerable<PredictionLogRecord> records)
    {
        var builder = new PredictionWindowBuilder(version.Metadata.Signature);
        foreach (var record in records)
        {
            builder.Add(record);
        }

        return MonitoringPass.Run(version, builder.Build());
    }
}
