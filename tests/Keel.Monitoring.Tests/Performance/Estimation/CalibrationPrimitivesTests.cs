using Keel.Monitoring.Performance.Estimation;

namespace Keel.Monitoring.Tests.Performance.Estimation;

public class CalibrationPrimitivesTests
{
    [Fact]
    public void Isotonic_PoolsAdjacentViolators_AndInterpolatesBetweenFittedPoints()
    {
        // PAVA by hand on y = [1, 3, 2, 4, 3.5] over x = 1..5: (3, 2) pool to 2.5, (4, 3.5) to 3.75
        // (scikit-learn's IsotonicRegression gives the same); between x = 1 and 2 the fit is linear.
        var fit = IsotonicCalibrator.Fit([1, 2, 3, 4, 5], [1, 3, 2, 4, 3.5], [0, 1, 2, 3, 4]);
        Assert.Equal([1, 2.5, 2.5, 3.75, 3.75], new double[] { 1, 2, 3, 4, 5 }.Select(fit.Predict));
        Assert.Equal(1.75, fit.Predict(1.5), 12);
        // Clipped outside the fitted range.
        Assert.Equal(1, fit.Predict(-7));
        Assert.Equal(3.75, fit.Predict(9));
    }

    [Fact]
    public void Isotonic_PoolsTiedScoresBeforeFitting()
    {
        // Two rows at score 0.5 with outcomes 0 and 1 are one point of mean 0.5 and weight 2.
        var fit = IsotonicCalibrator.Fit([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1], [0, 1, 2, 3]);
        Assert.Equal(0.5, fit.Predict(0.5), 12);
        Assert.Equal(0.0, fit.Predict(0.2), 12);
    }

    [Fact]
    public void ExpectedCalibrationError_HandComputedTwoBins()
    {
        // Bins {0.1, 0.2} (no positive) and {0.8, 0.9} (one of two): 0.5 × |0.15 − 0| + 0.5 × |0.85 − 0.5| = 0.25.
        double ece = Calibration.ExpectedCalibrationError([0.9, 0.1, 0.8, 0.2], [0, 0, 1, 0], 2, out double noise);
        Assert.Equal(0.25, ece, 12);
        // Noise: √(2/π) × (√(0.09 + 0.16) + √(0.16 + 0.09)) / 4.
        Assert.Equal(Math.Sqrt(2 / Math.PI) * (0.5 + 0.5) / 4, noise, 12);
    }

    [Fact]
    public void WindowScores_HandComputedBinaryCase()
    {
        // Positive-class probabilities 0.9, 0.2, 0.6, 0.4, 0.1; predicted positive for 0.9 and 0.6.
        double[] p = [0.9, 0.2, 0.6, 0.4, 0.1];
        var q = p.Select(v => new[] { 1 - v, v }).ToArray();
        int[] predicted = [1, 0, 1, 0, 0];
        var scores = new WindowScores(q, predicted, p, 2);
        // Accuracy: (0.9 + 0.8 + 0.6 + 0.6 + 0.9) / 5.
        Assert.Equal(0.76, scores.Estimate(Metric("accuracy")), 12);
        // Expected TP = 0.9 + 0.6 = 1.5; predicted positives 2; expected positives 2.2.
        Assert.Equal(0.75, scores.Estimate(Metric("precision_score")), 12);
        Assert.Equal(1.5 / 2.2, scores.Estimate(Metric("recall_score")), 12);
        Assert.Equal(3 / 4.2, scores.Estimate(Metric("f1_score")), 12);
        // ROC AUC: Σ_i q_i Σ_{s_j < s_i} (1 − q_j) = 0.2·0.9 + 0.4·1.7 + 0.6·2.3 + 0.9·2.7 = 4.67, over
        // Σq·Σ(1 − q) − Σq(1 − q) = 2.2·2.8 − 0.82 = 5.34.
        Assert.Equal(4.67 / 5.34, scores.Estimate(Metric("roc_auc")), 12);
        // Accuracy's standard error: √Σ c(1 − c) / n with c = 0.9, 0.8, 0.6, 0.6, 0.9.
        Assert.Equal(Math.Sqrt(0.09 + 0.16 + 0.24 + 0.24 + 0.09) / 5, scores.StandardError(Metric("accuracy"), 10, 1)!.Value, 12);
    }

    [Fact]
    public void WindowScores_WeightedAndMacroScoresFollowScikitLearnAveraging()
    {
        // Certain labels (probability 1) make the expected counts real counts: y = [0,0,1,1,1,2],
        // ŷ = [0,1,1,1,0,2], the case ModelMonitorTests checks Metrics with: weighted 4/6 each;
        // macro precision = macro recall = (1/2 + 2/3 + 1) / 3.
        int[] y = [0, 0, 1, 1, 1, 2], yHat = [0, 1, 1, 1, 0, 2];
        var q = y.Select(c => Enumerable.Range(0, 3).Select(k => k == c ? 1.0 : 0.0).ToArray()).ToArray();
        var scores = new WindowScores(q, yHat, null, 3);
        Assert.Equal(4 / 6.0, scores.Estimate(Metric("f1", 3)), 12);
        Assert.Equal(4 / 6.0, scores.Estimate(Metric("precision", 3)), 12);
        Assert.Equal((0.5 + 2 / 3.0 + 1) / 3, scores.Estimate(Metric("macro_precision", 3)), 12);
        Assert.Equal((0.5 + 2 / 3.0 + 1) / 3, scores.Estimate(Metric("macro_f1", 3)), 12);
        // Nothing is uncertain, so the realised metric never varies.
        Assert.Equal(0, scores.StandardError(Metric("macro_f1", 3), 50, 1)!.Value, 12);
    }

    private static EstimableMetric Metric(string name, int classes = 2)
    {
        Assert.True(EstimableMetric.TryParse(name, classes, out var metric));
        return metric;
    }
}
