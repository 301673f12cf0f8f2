using Keel.Monitoring.Deployments;
using Keel.Monitoring.Performance;
using MathNet.Numerics.Distributions;

namespace Keel.Monitoring.Tests.Deployments;

public sealed class FeedbackSignificanceTests
{
    [Fact]
    public void Accuracy_WithoutMargin_IsThePooledOneSidedTwoProportionZTest()
    {
        // Stable 180/200 correct, candidate 160/200: pooled p = 340/400.
        double pooled = 340 / 400.0;
        double z = (160 / 200.0 - 180 / 200.0) / Math.Sqrt(pooled * (1 - pooled) * (1 / 200.0 + 1 / 200.0));
        var r = FeedbackSignificance.Accuracy(180, 200, 160, 200, maxDrop: 0);

        Assert.Equal(-2.800560168056019, r.Statistic, 1e-12);
        Assert.Equal(z, r.Statistic, 1e-12);
        Assert.Equal(Normal.CDF(0, 1, z), r.PValue, 1e-12);
        Assert.Equal(0.002550699823002498, r.PValue, 1e-9);
    }

    [Fact]
    public void Accuracy_WithAMargin_UsesTheUnpooledStandardError_AndForgivesADropWithinIt()
    {
        double ps = 0.9, pc = 0.8;
        double z = (pc - ps + 0.15) / Math.Sqrt(ps * (1 - ps) / 200 + pc * (1 - pc) / 200);
        var r = FeedbackSignificance.Accuracy(180, 200, 160, 200, maxDrop: 0.15);

        Assert.Equal(z, r.Statistic, 1e-12);
        Assert.Equal(Normal.CDF(0, 1, z), r.PValue, 1e-12);
        Assert.True(r.PValue > 0.5);
    }

    [Fact]
    public void Welch_IsTheOneSidedWelchTTestOnAbsoluteErrors()
    {
        double[] s = [0.1, 0.4, 0.2, 0.3, 0.5, 0.2, 0.1, 0.3];
        double[] c = [0.6, 0.2, 0.9, 0.5, 0.4, 0.8, 0.7];
        double ms = s.Average(), mc = c.Average();
        double vs = s.Sum(x => (x - ms) * (x - ms)) / (s.Length - 1), vc = c.Sum(x => (x - mc) * (x - mc)) / (c.Length - 1);
        double se2 = vs / s.Length + vc / c.Length;
        double t = (mc - ms - 0.05) / Math.Sqrt(se2);
        double df = se2 * se2 / (Math.Pow(vs / s.Length, 2) / (s.Length - 1) + Math.Pow(vc / c.Length, 2) / (c.Length - 1));

        var r = FeedbackSignificance.Welch(s, c, maxDrop: 0.05);

        Assert.Equal(t, r.Statistic, 1e-12);
        Assert.Equal(df, r.DegreesOfFreedom!.Value, 1e-9);
        Assert.Equal(1 - StudentT.CDF(0, 1, df, t), r.PValue, 1e-12);
    }

    [Fact]
    public void Bootstrap_FindsAWorseCandidate_ClearsAnEqualOne_AndIsReproducible()
    {
        var random = new Random(5);
        var good = Rows(random, 400, accuracy: 0.9);
        var bad = Rows(random, 400, accuracy: 0.6);
        var same = Rows(random, 400, accuracy: 0.9);
        var (codes, positive) = DeploymentAnalysis.Encode(good, bad);
        var s = new FeedbackMetric(good, codes, positive);

        var worse = FeedbackSignificance.Bootstrap(s, new FeedbackMetric(bad, codes, positive), "f1", 0);
        var equal = FeedbackSignificance.Bootstrap(s, new FeedbackMetric(same, codes, positive), "f1", 0);
        var forgiven = FeedbackSignificance.Bootstrap(s, new FeedbackMetric(bad, codes, positive), "f1", maxDrop: 0.5);

        Assert.Equal(1.0 / (FeedbackSignificance.BootstrapResamples + 1), worse.PValue, 1e-12);
        Assert.True(equal.PValue > 0.05, $"p = {equal.PValue}");
        Assert.True(forgiven.PValue > 0.5);
        Assert.Equal(equal, FeedbackSignificance.Bootstrap(s, new FeedbackMetric(same, codes, positive), "f1", 0));
    }

    [Fact]
    public void FeedbackMetric_AgreesWithScikitLearnDefinitionsInMetrics()
    {
        var random = new Random(11);
        var rows = Rows(random, 300, accuracy: 0.75);
        var (codes, positive) = DeploymentAnalysis.Encode(rows, rows);
        var m = new FeedbackMetric(rows, codes, positive);
        var records = rows.Classes.Select(r => new PredictionRecord(DateTimeOffset.UnixEpoch, codes[r.Predicted], codes[r.Label], r.Probability));
        var expected = Metrics.Classification(records, positiveClass: codes[positive!]);

        foreach (var (ours, theirs) in new[] { ("accuracy", "accuracy"), ("precision", "precision"), ("recall", "recall"), ("f1", "f1"), ("auc", "roc_auc") })
        {
            Assert.Equal(expected[theirs], m.Compute(ours), 1e-12);
        }
    }

    [Fact]
    public void Wilson_MatchesStatsmodelsProportionConfint()
    {
        // statsmodels.stats.proportion.proportion_confint(80, 100, alpha=0.05, method="wilson")
        var (low, high) = DeploymentReportBuilder.Wilson(80, 100);

        Assert.Equal(0.7111708344068411, low, 1e-9);
        Assert.Equal(0.8666330666689676, high, 1e-9);
    }

    /// <summary>A binary classifier's labelled rows: labels "0"/"1", the positive class's probability, right with the given accuracy.</summary>
    private static FeedbackRows Rows(Random random, int n, double accuracy)
    {
        var rows = new FeedbackRows();
        for (int i = 0; i < n; i++)
        {
            bool truth = random.NextDouble() < 0.4;
            bool right = random.NextDouble() < accuracy;
            bool predicted = right ? truth : !truth;
            double p = predicted ? 0.5 + random.NextDouble() / 2 : random.NextDouble() / 2;
            rows.Classes.Add((predicted ? "1" : "0", p, truth ? "1" : "0"));
        }

        return rows;
    }
}
