using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Monitoring.Estimation;

/// <summary>
/// "Check the estimate on replayed credit and flights data" (issue 13): real models trained on the
/// shipped credit and flights data, their held-out stream replayed in windows, the label-free
/// estimate compared with the realised metric in each window. The numbers are in
/// docs/monitoring.md (run with <c>--filter-class "*CbpeReplayTests"</c> and read the output).
/// </summary>
public sealed class CbpeReplayTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-cbpe-replay-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Credit_EstimateTracksTheRealisedMetric_AndFallsWithItUnderCovariateShift()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await ReplayedClassifier.TrainAsync(
            Path.Combine(ServingFixture.RepositoryRoot(), "examples", "credit", "credit_data.csv"), rows: 4454, trainShare: 0.4, referenceShare: 0.2,
            """
            name: credit-cbpe
            data: {path: train.csv, target: Status, task: binary}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
            trainer: {name: FastTree, params: {number_of_trees: 50}}
            importance: false
            monitoring: {reference_rows: 0}
            """,
            (table, r) => table["Status"]!.Texts![r]!, _folder, ct);
        var windows = CbpeReplay.Run(model, windowRows: 100, unsureBelow: 0.85);
        TestContext.Current.TestOutputHelper?.WriteLine(CbpeReplay.Table("credit (FastTree, 100-row windows)", windows));
        AssertTracks(windows);
    }

    [Fact]
    public async Task Flights_EstimateTracksTheRealisedMetric_AndFallsWithItUnderCovariateShift()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await ReplayedClassifier.TrainAsync(
            Path.Combine(ServingFixture.RepositoryRoot(), "examples", "flights", "flights_2001h1_50k.csv"), rows: 30_000, trainShare: 0.4, referenceShare: 0.2,
            """
            name: flights-cbpe
            data: {path: train.csv, target: is_late, task: binary, label: {column: delay, greater_than: 15}, drop: [date]}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
            trainer: {name: FastTree, params: {number_of_trees: 50}}
            importance: false
            monitoring: {reference_rows: 0}
            """,
            (table, r) => table["delay"]!.Numbers![r] > 15 ? "true" : "false", _folder, ct);
        var windows = CbpeReplay.Run(model, windowRows: 800, unsureBelow: 0.8);
        TestContext.Current.TestOutputHelper?.WriteLine(CbpeReplay.Table("flights (FastTree, 800-row windows)", windows));
        AssertTracks(windows);
    }

    private static void AssertTracks(List<ReplayWindow> windows)
    {
        foreach (var metric in CbpeReplay.MetricNames)
        {
            var all = windows.Where(w => w.Metric == metric).ToList();
            // Calibrated on the reference, the estimate is within 3 standard errors of the realised
            // metric in most windows, shifted or not (the shift leaves P(label | inputs) alone).
            int within = all.Count(w => w.WithinThreeSigma);
            Assert.True(within >= 0.8 * all.Count, $"{metric}: within 3 SE in {within} of {all.Count} windows");
        }

        var accuracy = windows.Where(w => w.Metric == "accuracy").ToList();
        var plain = accuracy.Where(w => !w.Shifted).ToList();
        var shifted = accuracy.Where(w => w.Shifted).ToList();
        Assert.True(plain.Count >= 4 && shifted.Count >= 2, $"{plain.Count} plain and {shifted.Count} shifted windows");
        double realisedDrop = plain.Average(w => w.Realised) - shifted.Average(w => w.Realised);
        double estimatedDrop = plain.Average(w => w.Estimated) - shifted.Average(w => w.Estimated);
        // Standard error of a difference of two means of windows.
        double se = Math.Sqrt(plain.Average(w => w.StandardError * w.StandardError) / plain.Count + shifted.Average(w => w.StandardError * w.StandardError) / shifted.Count);
        // The shift lowers realised accuracy clearly (beyond 3 standard errors), and the estimate
        // falls with it, by the same amount within 3 standard errors.
        Assert.True(realisedDrop > 3 * se, $"realised accuracy fell by {realisedDrop} (se {se})");
        Assert.True(Math.Abs(estimatedDrop - realisedDrop) < 3 * se, $"estimated drop {estimatedDrop}, realised drop {realisedDrop} (se {se})");
    }
}
