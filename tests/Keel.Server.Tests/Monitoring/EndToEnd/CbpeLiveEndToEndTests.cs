using System.Globalization;
using Keel.Core.Models;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// The label-free estimate live on a served model (issue 13): a credit classifier trained with the
/// pipeline (its package keeps the labelled held-out reference), served, real traffic through
/// <c>/invocations</c>, the monitor run window by window before and after the feedback labels.
/// </summary>
public sealed class CbpeLiveEndToEndTests
{
    private const int WindowRows = 200;
    private const int PlainWindows = 3;
    private const int UnsureWindows = 2;

    /// <summary>
    /// The most an estimated AUC may differ from the realised one in a 200-row window. The realised
    /// AUC of 200 rows is itself a draw: with about 28 % bad rows (≈ 56 positives, 144 negatives) and
    /// an AUC near 0.8, Hanley and McNeil's standard error is ≈ 0.033, and ≈ 0.04 at the lower AUC of
    /// the unsure windows; 0.12 is three of those, so a correct estimate fails this bound about 3 times
    /// in 1,000 windows, while an estimate that missed the shift (the plain windows' level) would not.
    /// </summary>
    private const double Tolerance = 0.12;

    [Fact]
    public async Task ServedCreditClassifier_WindowsCarryAnEstimateBeforeLabels_CloseToTheRealisedAucAfter_AndLowerUnderAConfidenceLoweringShift()
    {
        await using var served = await ServedCreditClassifier.StartAsync("cbpe-credit", "Status", "binary", "{name: FastTree, params: {number_of_trees: 20}}");
        Assert.True(File.Exists(Path.Combine(served.PackageDirectory, ReferenceSampleFiles.Labelled)));

        // The degraded stream is a covariate shift: rows the model is unsure of (positive-class
        // probability between 0.2 and 0.8), chosen by their inputs alone; their labels are untouched,
        // so P(label | inputs) is the same, but the model is right less often on them.
        var plain = Enumerable.Range(0, PlainWindows * WindowRows).ToArray();
        var unsure = Enumerable.Range(plain.Length, served.Rows.Count - plain.Length)
            .Where(r => served.Predictions[r].Probability is > 0.2 and < 0.8).ToArray();
        Assert.True(unsure.Length >= UnsureWindows * WindowRows, $"only {unsure.Length} unsure rows in the traffic");
        await served.ApplyAsync(new { name = "estimated-auc-low", kind = "estimated_metric", threshold = 0.76 });

        var sent = new List<List<(string RequestId, int[] Rows)>>();
        for (var w = 0; w < PlainWindows + UnsureWindows; w++)
        {
            var rows = w < PlainWindows ? plain.Skip(w * WindowRows).Take(WindowRows) : unsure.Skip((w - PlainWindows) * WindowRows).Take(WindowRows);
            sent.Add(await served.ServeAsync(w, [.. rows]));
        }

        served.Time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(served.EndOf(PlainWindows + UnsureWindows)));

        // Before any label: no realised metric, but an estimate over every row.
        var before = new List<double>();
        var fired = new List<string?>();
        for (var w = 0; w < sent.Count; w++)
        {
            var (performance, changes) = await served.RunAsync(w);
            Assert.Equal(("auc", 0), (performance.GetProperty("metric").GetString(), performance.GetProperty("labelled_rows").GetInt32()));
            Assert.True(performance.TryGetProperty("estimated", out _), performance.GetRawText());
            Assert.Equal(WindowRows, performance.GetProperty("estimated_rows").GetInt32());
            before.Add(performance.GetProperty("estimated").GetDouble());
            fired.Add(changes.EnumerateArray().Select(c => c.GetProperty("to").GetString()).SingleOrDefault());
        }

        // The labels arrive; the same windows computed again show both, the estimate unchanged.
        foreach (var window in sent)
        {
            await served.FeedbackAsync(window);
        }

        var realised = new List<double>();
        var estimated = new List<double>();
        for (var w = 0; w < sent.Count; w++)
        {
            var (performance, _) = await served.RunAsync(w);
            Assert.Equal(WindowRows, performance.GetProperty("labelled_rows").GetInt32());
            realised.Add(performance.GetProperty("value").GetDouble());
            estimated.Add(performance.GetProperty("estimated").GetDouble());
        }

        var shown = string.Join("; ", Enumerable.Range(0, sent.Count).Select(w => string.Create(CultureInfo.InvariantCulture, $"w{w} realised {realised[w]:F3} estimated {estimated[w]:F3}")));
        TestContext.Current.TestOutputHelper?.WriteLine(shown);
        Assert.Equal(before, estimated);
        Assert.All(Enumerable.Range(0, sent.Count), w => Assert.True(Math.Abs(estimated[w] - realised[w]) <= Tolerance, shown));

        // The shift lowers the realised AUC, and the estimate falls with it, before any label came:
        // by more than 0.08 on average, about two and a half standard errors of a difference between the means
        // of three and two 200-row windows (≈ 0.035 per window).
        double Mean(List<double> values, bool shifted) => values.Where((_, w) => (w >= PlainWindows) == shifted).Average();
        Assert.True(Mean(realised, false) - Mean(realised, true) > 0.08, shown);
        Assert.True(Mean(before, false) - Mean(before, true) > 0.08, shown);

        // The estimated-metric rule fires on the estimate alone (no labels yet), in the first unsure window.
        Assert.True(before.Take(PlainWindows).All(v => v >= 0.76) && before.Skip(PlainWindows).All(v => v < 0.76), shown);
        Assert.Equal([null, null, null, "firing", null], fired);

        // One calibration for the version, whatever the number of passes (10 here).
        var estimator = Assert.IsType<CbpeEstimator>(served.Service<IPerformanceEstimator>());
        Assert.Equal(1, estimator.CalibrationsFitted);

        // The status, the summary and the gauges show the estimate next to the realised metric.
        var status = await served.Client.ApiGetAsync($"{ServedCreditClassifier.Api}status?model={served.Model}");
        Assert.True(status.Status == 200, status.Body);
        var latest = Assert.Single(status["latest"].EnumerateArray()).GetProperty("performance");
        Assert.Equal((estimated[^1], realised[^1]), (latest.GetProperty("estimated").GetDouble(), latest.GetProperty("value").GetDouble()));
        var metrics = await served.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("keel_monitoring_metric_estimated{", StringComparison.Ordinal) && l.Contains($"model=\"{served.Model}\"", StringComparison.Ordinal));
    }
}
