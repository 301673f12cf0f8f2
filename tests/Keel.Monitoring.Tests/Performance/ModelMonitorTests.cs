using Keel.Monitoring.Performance;

namespace Keel.Monitoring.Tests.Performance;

public class ModelMonitorTests
{
    private sealed class FakeTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Classification_metrics_match_hand_computed_weighted_averages()
    {
        // y = [0,0,1,1,1,2], ŷ = [0,1,1,1,0,2]: per class (p, r) = (1/2, 1/2), (2/3, 2/3), (1, 1);
        // weights 2/6, 3/6, 1/6 give 4/6 for precision, recall and F1; accuracy 4/6.
        double[] y = [0, 0, 1, 1, 1, 2], p = [0, 1, 1, 1, 0, 2];
        var m = Metrics.Classification(y.Select((v, i) => new PredictionRecord(T0, p[i], v)));
        Assert.Equal(4 / 6.0, m["accuracy"], 1e-12);
        Assert.Equal(4 / 6.0, m["precision"], 1e-12);
        Assert.Equal(4 / 6.0, m["recall"], 1e-12);
        Assert.Equal(4 / 6.0, m["f1"], 1e-12);
        Assert.False(m.ContainsKey("roc_auc"));
    }

    [Fact]
    public void Roc_auc_and_log_loss_match_reference_values()
    {
        // scikit-learn's documented roc_auc_score example: 0.75.
        Assert.Equal(0.75, Metrics.RocAuc([false, false, true, true], [0.1, 0.4, 0.35, 0.8]), 1e-12);
        // -(ln 0.9 + ln 0.8) / 2
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8)) / 2, Metrics.LogLoss([true, false], [0.9, 0.2]), 1e-12);
    }

    [Fact]
    public void Regression_metrics_match_scikit_learn_documentation_values()
    {
        // y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8] (scikit-learn metric docs).
        double[] y = [3, -0.5, 2, 7], p = [2.5, 0.0, 2, 8];
        var m = Metrics.Regression(y.Select((v, i) => new PredictionRecord(T0, p[i], v)));
        Assert.Equal(0.375, m["mse"], 1e-12);
        Assert.Equal(0.5, m["mae"], 1e-12);
        Assert.Equal(Math.Sqrt(0.375), m["rmse"], 1e-12);
        Assert.Equal(0.9486081370449679, m["r2"], 1e-12);
        Assert.Equal(0.3273809523809524, m["mape"], 1e-12);
    }

    [Fact]
    public void Prediction_statistics_use_population_std_and_linear_quantiles()
    {
        var s = PredictionStatistics.Of([1, 2, 3, 4, 5]);
        Assert.Equal(5, s.Count);
        Assert.Equal(3, s.Mean);
        Assert.Equal(Math.Sqrt(2), s.Std, 1e-12);
        Assert.Equal(1.2, s.Quantiles["p5"], 1e-12);
        Assert.Equal(3, s.Quantiles["p50"], 1e-12);
        Assert.Equal(4.8, s.Quantiles["p95"], 1e-12);
    }

    [Fact]
    public void Windows_and_summary_follow_the_injected_clock()
    {
        var time = new FakeTime(T0.AddHours(3));
        var monitor = new ModelMonitor(ModelTask.Regression, TimeSpan.FromHours(1), time);
        Assert.Equal("no_monitoring_data", monitor.GetMonitoringSummary().Status);

        monitor.Record([1.0, 2.0], [1.0, 3.0], timestamp: T0.AddMinutes(10));
        monitor.Record([5.0], [5.0], timestamp: T0.AddMinutes(70));
        monitor.Record([7.0, 9.0], timestamp: T0.AddMinutes(150));

        var windows = monitor.Windows();
        Assert.Equal(3, windows.Count);
        Assert.Equal(T0, windows[0].Start);
        Assert.Equal(0.5, windows[0].Metrics["mse"], 1e-12);
        Assert.Equal(0, windows[2].LabelledCount);
        Assert.Empty(windows[2].Metrics);

        var all = monitor.GetMonitoringSummary();
        Assert.Equal("ok", all.Status);
        Assert.Equal(5, all.TotalPredictions);
        Assert.Equal(5 / 3.0, all.AveragePerWindow, 1e-12);
        Assert.Equal(0.25, all.Performance["mse"].Mean, 1e-12);
        Assert.Equal(0.25, all.Performance["mse"].Std, 1e-12);

        var recent = monitor.GetMonitoringSummary(TimeSpan.FromMinutes(45));
        Assert.Equal(1, recent.TotalWindows);
        Assert.Equal(2, recent.TotalPredictions);

        time.Now = T0.AddDays(2);
        Assert.Equal("no_data_in_time_window", monitor.GetMonitoringSummary(TimeSpan.FromHours(1)).Status);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        var monitor = new ModelMonitor(ModelTask.Classification, TimeSpan.FromMinutes(5));
        Assert.Throws<ArgumentException>(() => monitor.Record([1.0, 0.0], [1.0]));
    }
}
