using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;

namespace Keel.Monitoring.Tests.Performance.Estimation;

public class CbpeEstimatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PerfectlyCalibratedBinary_EstimatedAccuracyIsTheMeanProbabilityOfThePredictedClass()
    {
        // A model that says 0.1, 0.3, 0.7 or 0.9, 250 reference rows each with exactly that share of
        // positives: with four equal-count bins its calibration error is exactly 0, isotonic
        // regression cannot do better, and the estimate must be the mean confidence.
        double[] levels = [0.1, 0.3, 0.7, 0.9];
        var refRows = new List<double[]>();
        var refLabels = new List<string>();
        foreach (double level in levels)
        {
            for (int i = 0; i < 250; i++)
            {
                refRows.Add([1 - level, level]);
                refLabels.Add(i < level * 250 ? "c1" : "c0");
            }
        }

        var random = new Random(12);
        var window = Enumerable.Range(0, 1000).Select(_ => levels[random.Next(4)]).Select(l => new[] { 1 - l, l }).ToArray();
        var outcome = new CbpeEstimator(new CbpeOptions { CalibrationBins = 4 }).Evaluate(Input("accuracy", 2, window, [.. refRows], [.. refLabels]));

        Assert.Equal(0, outcome.Calibration!.RawError, 12);
        Assert.False(outcome.Calibration.Calibrated);
        Assert.True(outcome.Calibration.Passed);
        double meanConfidence = window.Average(p => p.Max());
        Assert.Equal(meanConfidence, outcome.Estimate!.Value, 12);
        Assert.Equal(1000, outcome.Estimate.Rows);
        Assert.Equal(Math.Sqrt(window.Sum(p => p.Max() * (1 - p.Max()))) / 1000, outcome.Estimate.StandardError!.Value, 12);
    }

    [Fact]
    public void TheSameReference_IsCalibratedOnce_ForEveryWindow_AndANewReferenceAgain()
    {
        var random = new Random(5);
        var (refTruth, refLabels) = Synthetic.Draw(random, 1000, 3);
        var estimator = new CbpeEstimator();
        var estimates = new List<double>();
        for (var w = 0; w < 3; w++)
        {
            var (window, _) = Synthetic.Draw(random, 300, 3);
            estimates.Add(estimator.Estimate(Input("accuracy", 3, window, refTruth, refLabels))!.Value);
        }

        Assert.Equal(1, estimator.CalibrationsFitted);
        Assert.Equal(3, estimates.Distinct().Count());

        // The same rows in another list (a version read again, a new baseline) are fitted again, to the same calibration.
        var (again, _) = Synthetic.Draw(new Random(6), 300, 3);
        var first = estimator.Estimate(Input("accuracy", 3, again, refTruth, refLabels))!.Value;
        var copy = estimator.Estimate(Input("accuracy", 3, again, [.. refTruth], [.. refLabels]))!.Value;
        Assert.Equal(2, estimator.CalibrationsFitted);
        Assert.Equal(first, copy, 12);
    }

    [Fact]
    public void PerfectlyCalibratedBinary_RealisedAccuracyFallsWithinThreeStandardErrors()
    {
        var random = new Random(1);
        var (refTruth, refLabels) = Synthetic.Draw(random, 5000, 2);
        var (truth, labels) = Synthetic.Draw(random, 2000, 2);
        var estimate = new CbpeEstimator().Estimate(Input("accuracy", 2, truth, refTruth, refLabels))!;
        // Isotonic calibration of calibrated probabilities changes them little.
        Assert.Equal(truth.Average(p => p.Max()), estimate.Value, 0.01);
        double se = estimate.StandardError!.Value;
        Assert.InRange(Realised(truth, labels, 2)["accuracy"], estimate.Value - 3 * se, estimate.Value + 3 * se);
    }

    [Theory]
    [InlineData("accuracy", "accuracy")]
    [InlineData("precision_score", "precision_positive")]
    [InlineData("recall_score", "recall_positive")]
    [InlineData("f1_score", "f1_positive")]
    [InlineData("f1", "f1")]
    [InlineData("precision", "precision")]
    [InlineData("roc_auc", "roc_auc")]
    [InlineData("auc", "roc_auc")]
    public void PerfectlyCalibratedBinary_EstimateIsWithinThreeStandardErrorsOfTheRealisedMetric(string metric, string realisedName)
    {
        var random = new Random(2);
        var (refTruth, refLabels) = Synthetic.Draw(random, 4000, 2);
        var (truth, labels) = Synthetic.Draw(random, 1500, 2);
        var estimate = new CbpeEstimator().Estimate(Input(metric, 2, truth, refTruth, refLabels))!;
        double realised = Realised(truth, labels, 2)[realisedName];
        Assert.Equal(metric, estimate.Metric);
        Assert.True(estimate.StandardError is > 0 and < 0.05, $"se {estimate.StandardError}");
        Assert.True(Math.Abs(realised - estimate.Value) <= 3 * estimate.StandardError!.Value, $"{metric}: estimate {estimate.Value} ± {estimate.StandardError}, realised {realised}");
    }

    [Theory]
    [InlineData("accuracy_score", "accuracy")]
    [InlineData("f1", "f1")]
    [InlineData("recall", "recall")]
    [InlineData("macro_f1", "macro_f1")]
    [InlineData("macro_precision", "macro_precision")]
    [InlineData("macro_recall", "macro_recall")]
    public void PerfectlyCalibratedMulticlass_EstimateIsWithinThreeStandardErrorsOfTheRealisedMetric(string metric, string realisedName)
    {
        var random = new Random(3);
        var (refTruth, refLabels) = Synthetic.Draw(random, 4000, 4, scale: 1.5);
        var (truth, labels) = Synthetic.Draw(random, 1500, 4, scale: 1.5);
        var estimate = new CbpeEstimator().Estimate(Input(metric, 4, truth, refTruth, refLabels))!;
        double realised = Realised(truth, labels, 4)[realisedName];
        Assert.True(Math.Abs(realised - estimate.Value) <= 3 * estimate.StandardError!.Value, $"{metric}: estimate {estimate.Value} ± {estimate.StandardError}, realised {realised}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void OverconfidentModel_IsCalibratedOnTheReference_AndTheEstimateTracksTheRealisedAccuracy(int classes)
    {
        var random = new Random(4);
        var (refTruth, refLabels) = Synthetic.Draw(random, 5000, classes, scale: 1.2);
        var (truth, labels) = Synthetic.Draw(random, 2000, classes, scale: 1.2);
        var reported = Synthetic.Sharpen(truth, 3);
        var outcome = new CbpeEstimator().Evaluate(new PerformanceEstimateInput("accuracy", Synthetic.Classes(classes), reported, Synthetic.Predicted(reported))
        {
            ReferenceProbabilities = Synthetic.Sharpen(refTruth, 3),
            ReferenceLabels = refLabels,
        });

        var estimate = outcome.Estimate!;
        Assert.True(outcome.Calibration!.Calibrated);
        Assert.True(outcome.Calibration.RawError > 0.05 && outcome.Calibration.CalibratedError < outcome.Calibration.RawError / 3, $"raw {outcome.Calibration.RawError}, calibrated {outcome.Calibration.CalibratedError}");
        double realised = Realised(reported, labels, classes)["accuracy"];
        double naive = reported.Average(p => p.Max());
        double se = estimate.StandardError!.Value;
        // Without calibration the mean confidence overstates accuracy by many standard errors.
        Assert.True(naive - realised > 5 * se, $"naive {naive}, realised {realised}, se {se}");
        Assert.True(Math.Abs(estimate.Value - realised) <= 3 * se, $"estimate {estimate.Value} ± {se}, realised {realised}");
    }

    [Fact]
    public void TooSmallReference_IsRefused()
    {
        var random = new Random(5);
        var (refTruth, refLabels) = Synthetic.Draw(random, 499, 2);
        var (truth, _) = Synthetic.Draw(random, 100, 2);
        var outcome = new CbpeEstimator().Evaluate(Input("accuracy", 2, truth, refTruth, refLabels));
        Assert.Null(outcome.Estimate);
        Assert.Contains("499 usable labelled rows", outcome.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceWithTooFewRowsOfAClass_IsRefused()
    {
        var random = new Random(6);
        var (refTruth, refLabels) = Synthetic.Draw(random, 1000, 3);
        // Relabel all but 5 rows of class c2 as c1.
        int kept = 0;
        for (int i = 0; i < refLabels.Length; i++)
        {
            if (refLabels[i] == "c2" && ++kept > 5)
            {
                refLabels[i] = "c1";
            }
        }

        var outcome = new CbpeEstimator().Evaluate(Input("accuracy", 3, refTruth, refTruth, refLabels));
        Assert.Null(outcome.Estimate);
        Assert.Contains("5 rows of class 'c2'", outcome.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void CalibrationErrorAboveTheBound_IsRefusedWithTheCheck()
    {
        // A strict bound without noise allowance: even the cross-fitted isotonic probabilities of a
        // 600-row reference miss it, so there is no estimate, and the check says why.
        var random = new Random(7);
        var (refTruth, refLabels) = Synthetic.Draw(random, 600, 2);
        var (truth, _) = Synthetic.Draw(random, 100, 2);
        var outcome = new CbpeEstimator(new CbpeOptions { MaxCalibrationError = 0.002, NoiseAllowance = 0 })
            .Evaluate(Input("accuracy", 2, truth, Synthetic.Sharpen(refTruth, 3), refLabels));
        Assert.Null(outcome.Estimate);
        Assert.False(outcome.Calibration!.Passed);
        Assert.Equal(0.002, outcome.Calibration.AllowedError);
        Assert.Contains("badly calibrated", outcome.Refusal, StringComparison.Ordinal);
        // The same data with the default bound is estimated.
        Assert.NotNull(new CbpeEstimator().Estimate(Input("accuracy", 2, truth, Synthetic.Sharpen(refTruth, 3), refLabels)));
    }

    [Theory]
    [InlineData("rmse", 2)]
    [InlineData("log_loss", 2)]
    [InlineData("roc_auc", 3)]
    [InlineData("accuracy", 1)]
    public void MetricOrTaskThatCannotBeEstimated_IsRefused(string metric, int classes)
    {
        var random = new Random(8);
        var (truth, labels) = Synthetic.Draw(random, 600, Math.Max(classes, 2));
        var input = new PerformanceEstimateInput(metric, Synthetic.Classes(classes), truth, Synthetic.Predicted(truth)) { ReferenceProbabilities = truth, ReferenceLabels = labels };
        var outcome = new CbpeEstimator().Evaluate(input);
        Assert.Null(outcome.Estimate);
        Assert.NotNull(outcome.Refusal);
    }

    [Fact]
    public void UnusableWindowRows_AreSkipped_AndNotCounted()
    {
        var random = new Random(9);
        var (refTruth, refLabels) = Synthetic.Draw(random, 1000, 2);
        var (truth, _) = Synthetic.Draw(random, 50, 2);
        var rows = truth.Concat([[double.NaN, 0.5], [0.2, 1.7], [1.0]]).ToList();
        var predicted = Synthetic.Predicted(truth).Concat(["c0", "c1", "c1"]).ToList();
        rows.Add([0.3, 0.7]);
        predicted.Add("unknown");
        var estimate = new CbpeEstimator().Estimate(new PerformanceEstimateInput("accuracy", Synthetic.Classes(2), rows, predicted) { ReferenceProbabilities = refTruth, ReferenceLabels = refLabels });
        Assert.Equal(50, estimate!.Rows);
    }

    private static PerformanceEstimateInput Input(string metric, int classes, double[][] window, double[][] reference, string[] referenceLabels) =>
        new(metric, Synthetic.Classes(classes), window, Synthetic.Predicted(window)) { ReferenceProbabilities = reference, ReferenceLabels = referenceLabels };

    /// <summary>The realised metrics with <see cref="Metrics"/> (weighted, accuracy, ROC AUC) and by hand (positive class, macro).</summary>
    private static Dictionary<string, double> Realised(double[][] reported, string[] labels, int classes)
    {
        var predicted = Synthetic.Predicted(reported).Select(p => int.Parse(p[1..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var truth = labels.Select(l => int.Parse(l[1..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var records = truth.Select((y, i) => new PredictionRecord(T0, predicted[i], y, reported[i][^1])).ToList();
        var result = new Dictionary<string, double>(Metrics.Classification(records, positiveClass: classes - 1));
        double macroP = 0, macroR = 0, macroF = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            int tp = Enumerable.Range(0, truth.Length).Count(i => truth[i] == c && predicted[i] == c);
            int pred = predicted.Count(p => p == c), support = truth.Count(y => y == c);
            if (pred + support == 0)
            {
                continue;
            }

            double p = pred == 0 ? 0 : tp / (double)pred, r = support == 0 ? 0 : tp / (double)support, f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            macroP += p;
            macroR += r;
            macroF += f;
            present++;
            if (classes == 2 && c == 1)
            {
                result["precision_positive"] = p;
                result["recall_positive"] = r;
                result["f1_positive"] = f;
            }
        }

        result["macro_precision"] = macroP / present;
        result["macro_recall"] = macroR / present;
        result["macro_f1"] = macroF / present;
        return result;
    }
}
