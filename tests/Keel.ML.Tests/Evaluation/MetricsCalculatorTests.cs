using Keel.ML.Evaluation;

namespace Keel.ML.Tests.Evaluation;

/// <summary>
/// Reference values come from scikit-learn's documentation examples (the values printed there) or
/// are counted by hand in the comments; none come from this code.
/// </summary>
public class MetricsCalculatorTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Regression_MatchesScikitLearnDocumentationExample()
    {
        // sklearn docs: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]
        var m = MetricsCalculator.Regression([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);

        Assert.Equal(0.5, m[MetricNames.MeanAbsoluteError], Tolerance);
        Assert.Equal(0.375, m[MetricNames.MeanSquaredError], Tolerance);
        Assert.Equal(0.6123724356957945, m[MetricNames.RootMeanSquaredError], Tolerance);
        Assert.Equal(0.9486081370449679, m[MetricNames.R2], Tolerance);
        Assert.Equal(0.3273809523809524, m[MetricNames.MeanAbsolutePercentageError], Tolerance);
    }

    [Fact]
    public void Binary_HandCountedCase()
    {
        // y = 1,0,1,1,0,0,1,0; p = .9,.1,.8,.4,.6,.2,.7,.3; predicted = p >= .5.
        // TP 3, FN 1, FP 1, TN 3 -> accuracy, precision, recall, F1 all 0.75.
        // AUC: of 16 (positive, negative) pairs the positive scores higher in 15 -> 0.9375.
        // log loss = -(2 ln .9 + 2 ln .8 + 2 ln .4 + 2 ln .7) / 8 = 0.40036743569623084 (python3 math).
        int[] y = [1, 0, 1, 1, 0, 0, 1, 0];
        double[] p = [.9, .1, .8, .4, .6, .2, .7, .3];
        var predicted = p.Select(x => x >= .5 ? 1 : 0).ToArray();

        var m = MetricsCalculator.Binary(y, predicted, p);

        Assert.Equal(0.75, m[MetricNames.Accuracy], Tolerance);
        Assert.Equal(0.75, m[MetricNames.Precision], Tolerance);
        Assert.Equal(0.75, m[MetricNames.Recall], Tolerance);
        Assert.Equal(0.75, m[MetricNames.F1], Tolerance);
        Assert.Equal(0.9375, m[MetricNames.RocAuc], Tolerance);
        Assert.Equal(0.40036743569623084, m[MetricNames.LogLoss], Tolerance);
    }

    [Fact]
    public void LogLoss_MatchesScikitLearnDocumentationExample()
    {
        // sklearn docs: log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616...
        var m = MetricsCalculator.Binary([1, 0, 0, 1], [1, 0, 0, 1], [.9, .1, .2, .65]);

        Assert.Equal(0.21616187468057912, m[MetricNames.LogLoss], 1e-12);
    }

    [Fact]
    public void RocAuc_MatchesScikitLearnDocumentationExample_AndCountsTiesHalf()
    {
        // sklearn docs: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        Assert.Equal(0.75, MetricsCalculator.RocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), Tolerance);

        // Pairs: (.5 vs .5) tie = 0.5, (.5 vs .2) = 1, (.8 vs both) = 2 -> 3.5 / 4.
        Assert.Equal(0.875, MetricsCalculator.RocAuc([1, 0, 1, 0], [0.5, 0.5, 0.8, 0.2]), Tolerance);
    }

    [Fact]
    public void Multiclass_Weighted_MatchesScikitLearnDocumentationExample()
    {
        // sklearn docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1], average='weighted':
        // precision 0.2222..., recall 0.3333..., f1 0.2666...
        int[] y = [0, 1, 2, 0, 1, 2];
        int[] predicted = [0, 2, 1, 0, 0, 1];
        var uniform = y.Select(_ => new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).ToArray();

        var m = MetricsCalculator.Multiclass(y, predicted, uniform, 3);

        Assert.Equal(0.22222222222222221, m[MetricNames.Precision], Tolerance);
        Assert.Equal(0.3333333333333333, m[MetricNames.Recall], Tolerance);
        Assert.Equal(0.26666666666666666, m[MetricNames.F1], Tolerance);
        Assert.Equal(2 / 6.0, m[MetricNames.Accuracy], Tolerance);
        Assert.Equal(Math.Log(3), m[MetricNames.LogLoss], Tolerance);
    }

    [Fact]
    public void Multiclass_MacroAndPerClass_MatchHandComputedScikitLearnDefinitions()
    {
        // y_true = [0, 0, 1, 1, 2, 2], y_pred = [0, 1, 1, 1, 2, 0]. By hand (sklearn average=None):
        // class a: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
        // class b: tp 2, predicted 3, support 2 -> P 2/3, R 1,   F1 4/5
        // class c: tp 1, predicted 1, support 2 -> P 1,   R 1/2, F1 2/3
        // average='macro': P 13/18, R 2/3, F1 59/90. Class d (index 3) is neither true nor
        // predicted, so scikit-learn leaves it out of the macro mean and so does Keel.
        int[] y = [0, 0, 1, 1, 2, 2];
        int[] predicted = [0, 1, 1, 1, 2, 0];
        var uniform = y.Select(_ => new[] { 0.25, 0.25, 0.25, 0.25 }).ToArray();

        var m = MetricsCalculator.Multiclass(y, predicted, uniform, 4, ["a", "b", "c", "d"]);

        Assert.Equal(13 / 18.0, m[MetricNames.MacroPrecision], Tolerance);
        Assert.Equal(2 / 3.0, m[MetricNames.MacroRecall], Tolerance);
        Assert.Equal(59 / 90.0, m[MetricNames.MacroF1], Tolerance);
        Assert.Equal(0.5, m["precision_class_a"], Tolerance);
        Assert.Equal(2 / 3.0, m["precision_class_b"], Tolerance);
        Assert.Equal(1.0, m["recall_class_b"], Tolerance);
        Assert.Equal(0.8, m["f1_class_b"], Tolerance);
        Assert.Equal(2 / 3.0, m["f1_class_c"], Tolerance);
        Assert.False(m.ContainsKey("f1_class_d"));

        // Weighted (support 2 each) equals macro here: F1 (1/2 + 4/5 + 2/3) / 3.
        Assert.Equal(59 / 90.0, m[MetricNames.F1], Tolerance);
    }

    [Fact]
    public void ClassKey_ReplacesCharactersMlflowRefusesInMetricKeys()
    {
        Assert.Equal("Iris-setosa", MetricNames.ClassKey("Iris-setosa"));
        Assert.Equal("a_b_c", MetricNames.ClassKey("a b:c"));
        Assert.Equal("f1_class_x_y", MetricNames.PerClass("f1_class_", "x+y"));
    }

    [Fact]
    public void ConfusionMatrix_RowsAreActual_ColumnsPredicted()
    {
        var counts = ConfusionMatrix.Count([0, 1, 1, 1], [0, 0, 1, 1], 2);

        Assert.Equal([1L, 0L], counts[0]);
        Assert.Equal([1L, 2L], counts[1]);
    }

    [Fact]
    public void RocCurve_RunsFromOriginToOne()
    {
        var (fpr, tpr) = EvaluationPlots.RocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);

        Assert.Equal([0, 0, 0.5, 0.5, 1], fpr);
        Assert.Equal([0, 0.5, 0.5, 1, 1], tpr);
    }
}
