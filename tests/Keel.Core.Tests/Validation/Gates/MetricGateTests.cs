using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

/// <summary>
/// Cases from MLflow's tests/evaluate/test_validation.py (value threshold, min_absolute_change,
/// min_relative_change), plus Keel's decisions for ties, NaN and negative champions.
/// </summary>
public class MetricGateTests
{
    private static MetricThresholdResult One(double? candidate, double? champion, MetricThreshold threshold, bool hasChampion = true)
    {
        var c = new Dictionary<string, double>();
        if (candidate is { } cv)
        {
            c[threshold.Metric] = cv;
        }

        Dictionary<string, double>? b = hasChampion ? [] : null;
        if (champion is { } bv)
        {
            b![threshold.Metric] = bv;
        }

        return Assert.Single(MetricGate.Evaluate(c, b, [threshold]).Results);
    }

    private static MetricThreshold Higher(string metric = "accuracy") => new(metric) { GreaterIsBetter = true };

    private static MetricThreshold Lower(string metric = "custom_l1_loss") => new(metric) { GreaterIsBetter = false };

    [Theory]
    [InlineData(0.8, 0.9, true, false)]   // single_metric_not_satisfied_higher_better
    [InlineData(0.5, 0.3, false, false)]  // single_metric_not_satisfied_lower_better
    [InlineData(0.9, 0.9, true, true)]    // equality_boundary
    [InlineData(0.5, 0.5, false, true)]   // equality_boundary
    [InlineData(0.91, 0.9, true, true)]   // single_metric_satisfied_higher_better
    [InlineData(0.3, 0.5, false, true)]   // single_metric_satisfied_lower_better
    public void Threshold_BothDirections_MatchMlflow(double value, double bound, bool greater, bool passes)
    {
        var result = One(value, null, new MetricThreshold("m") { Threshold = bound, GreaterIsBetter = greater }, hasChampion: false);

        Assert.Equal(passes, result.Passed);
        var check = Assert.Single(result.Checks);
        Assert.Equal(MetricCheckKind.Threshold, check.Kind);
        Assert.Equal(bound, check.Bound);
    }

    [Theory]
    [InlineData(0.79, 0.7, 0.1, true, false)]          // single_metric_not_satisfied_higher_better
    [InlineData(0.8, 0.7, 0.15, true, false)]          // multiple_metrics_not_satisfied_higher_better (f1)
    [InlineData(0.5, 0.6, 0.15, false, false)]         // single_metric_not_satisfied_lower_better
    [InlineData(0.45, 0.3, 0.1, false, false)]         // log_loss got worse
    [InlineData(0.8 + 1e-10, 0.7, 0.1, true, true)]    // equality_boundary
    [InlineData(0.2 - 1e-10, 0.3, 0.1, false, true)]   // equality_boundary
    [InlineData(0.91, 0.8, 0.1, true, true)]           // single_metric_satisfied_higher_better
    [InlineData(0.3, 0.401, 0.1, false, true)]         // single_metric_satisfied_lower_better
    public void MinAbsoluteChange_BothDirections_MatchMlflow(double value, double champion, double change, bool greater, bool passes)
    {
        var result = One(value, champion, new MetricThreshold("m") { MinAbsoluteChange = change, GreaterIsBetter = greater });

        Assert.Equal(passes, result.Passed);
        Assert.Equal(champion, result.ChampionValue);
        Assert.Equal(MetricCheckKind.MinAbsoluteChange, Assert.Single(result.Checks).Kind);
    }

    [Theory]
    [InlineData(0.75, 0.7, 0.1, true, false)]               // single_metric_not_satisfied_higher_better
    [InlineData(0.53, 0.5, 0.1, true, false)]               // multiple_metrics_not_satisfied_higher_better
    [InlineData(0.55, 0.6, 0.1, false, false)]              // single_metric_not_satisfied_lower_better
    [InlineData(0.72 + 1e-3, 0.8, 0.1, false, false)]       // multiple_metrics_not_satisfied_lower_better
    [InlineData(0.27 + 1e-5, 0.3, 0.15, false, false)]      // multiple_metrics_not_satisfied_lower_better
    [InlineData(0.77, 0.7, 0.1, true, true)]                // equality_boundary
    [InlineData((0.3 * 0.85) - 1e-10, 0.3, 0.15, false, true)] // equality_boundary
    [InlineData(0.99 + 1e-10, 0.9, 0.1, true, true)]        // single_metric_satisfied_higher_better
    [InlineData(0.3, 0.4, 0.15, false, true)]               // single_metric_satisfied_lower_better
    [InlineData(1e-10, 0, 0.1, true, true)]                 // baseline_metric_value_equals_0_succeeds
    [InlineData(0, 0, 0.1, true, false)]                    // baseline_metric_value_equals_0_fails
    [InlineData(-1e-10, 0, 0.1, false, true)]               // zero champion, lower is better
    public void MinRelativeChange_BothDirections_MatchMlflow(double value, double champion, double change, bool greater, bool passes)
    {
        var result = One(value, champion, new MetricThreshold("m") { MinRelativeChange = change, GreaterIsBetter = greater });

        Assert.Equal(passes, result.Passed);
        Assert.Equal(MetricCheckKind.MinRelativeChange, Assert.Single(result.Checks).Kind);
    }

    [Fact]
    public void MinAbsoluteChange_ExactTieInDecimal_Passes()
    {
        // In binary floating point 0.80 + 0.05 = 0.8500000000000001, so a plain >= would fail.
        Assert.True(One(0.85, 0.80, Higher() with { MinAbsoluteChange = 0.05 }).Passed);
        Assert.True(One(0.15, 0.20, Lower() with { MinAbsoluteChange = 0.05 }).Passed);
    }

    [Fact]
    public void MinRelativeChange_ExactTie_Passes()
    {
        Assert.True(One(0.88, 0.80, Higher() with { MinRelativeChange = 0.1 }).Passed);
        Assert.True(One(0.18, 0.20, Lower() with { MinRelativeChange = 0.1 }).Passed);
    }

    [Fact]
    public void MinRelativeChange_NoChangeRequired_EqualValuesPass() =>
        Assert.True(One(0.8, 0.8, Higher() with { MinRelativeChange = 0.0 }).Passed);

    [Theory]
    [InlineData(-5.0, -10.0, true)]    // improved by half of the champion's magnitude
    [InlineData(-9.8, -10.0, false)]   // improved by 2%, 5% required
    [InlineData(-10.2, -10.0, false)]  // got worse
    [InlineData(-11.0, -10.0, false)]  // got worse; MLflow's signed division gives +0.1 and passes it
    [InlineData(-9.5, -10.0, true)]    // exactly 5%
    public void MinRelativeChange_NegativeChampionGreaterIsBetter_UsesMagnitude(double candidate, double champion, bool passes)
    {
        var result = One(candidate, champion, new MetricThreshold("r2_score") { MinRelativeChange = 0.05 });

        Assert.Equal(passes, result.Passed);
        Assert.Equal(-9.5, Assert.Single(result.Checks).Bound);
    }

    [Theory]
    [InlineData(-12.0, -10.0, true)]   // lower is better, went further below
    [InlineData(-9.0, -10.0, false)]   // went up: worse
    public void MinRelativeChange_NegativeChampionLowerIsBetter_UsesMagnitude(double candidate, double champion, bool passes) =>
        Assert.Equal(passes, One(candidate, champion, Lower("loss_delta") with { MinRelativeChange = 0.1 }).Passed);

    [Fact]
    public void MissingCandidateMetric_FailsWithOnePresentCheck()
    {
        var result = One(null, 0.8, Higher() with { Threshold = 0.9, MinAbsoluteChange = 0.1 });

        Assert.False(result.Passed);
        var check = Assert.Single(result.Checks);
        Assert.Equal(MetricCheckKind.Present, check.Kind);
        Assert.Contains("missing from the candidate", check.Reason, StringComparison.Ordinal);
        Assert.Null(result.CandidateValue);
    }

    [Fact]
    public void MissingChampionMetric_ChangeChecksFail_ThresholdStillEvaluated()
    {
        var result = One(0.95, null, Higher() with { Threshold = 0.9, MinAbsoluteChange = 0.01, MinRelativeChange = 0.01 });

        Assert.False(result.Passed);
        Assert.Equal([true, false, false], result.Checks.Select(c => c.Passed));
        Assert.All(result.Checks.Skip(1), c => Assert.Contains("missing from the champion", c.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void NoChampion_ChangeCheckFailsWithClearReason()
    {
        var result = One(0.95, null, Higher() with { MinAbsoluteChange = 0.01 }, hasChampion: false);

        Assert.False(result.Passed);
        Assert.Contains("no champion", Assert.Single(result.Checks).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoChampion_ThresholdOnly_Passes() =>
        Assert.True(One(0.95, null, Higher() with { Threshold = 0.9 }, hasChampion: false).Passed);

    [Fact]
    public void NaNCandidate_FailsEveryCheck()
    {
        var result = One(double.NaN, 0.8, Higher() with { Threshold = 0.0, MinAbsoluteChange = 0.01, MinRelativeChange = 0.01 });

        Assert.Equal([false, false, false], result.Checks.Select(c => c.Passed));
        Assert.All(result.Checks, c => Assert.Contains("NaN", c.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void NaNChampion_ChangeCheckFails() =>
        Assert.False(One(0.9, double.NaN, Higher() with { MinAbsoluteChange = 0.01 }).Passed);

    [Fact]
    public void Infinity_ComparesWithoutDecimalOverflow()
    {
        Assert.False(One(double.PositiveInfinity, null, Lower() with { Threshold = 1 }, hasChampion: false).Passed);
        Assert.True(One(1e30, 1e29, Higher() with { MinRelativeChange = 0.5 }).Passed);
    }

    [Fact]
    public void Evaluate_ReportsEveryThresholdInOrder()
    {
        var candidate = new Dictionary<string, double> { ["accuracy_score"] = 0.8, ["f1_score"] = 0.7, ["log_loss"] = 0.3 };
        MetricThreshold[] thresholds =
        [
            new("accuracy_score") { Threshold = 0.9 },
            new("f1_score") { Threshold = 0.8 },
            new("log_loss") { Threshold = 0.5 },
        ];

        var result = MetricGate.Evaluate(candidate, null, thresholds);

        Assert.False(result.Passed);
        Assert.Equal([false, false, true], result.Results.Select(r => r.Passed));
        Assert.Contains("accuracy_score threshold = 0.9", result.Results[0].Reason, StringComparison.Ordinal);
        Assert.Equal("Metric log_loss passed the validation.", result.Results[2].Reason);
    }

    [Fact]
    public void ToChecks_ShowsValueAndDirectionalBound()
    {
        var result = MetricGate.Evaluate(
            new Dictionary<string, double> { ["log_loss"] = 0.3 },
            new Dictionary<string, double> { ["log_loss"] = 0.5 },
            [new MetricThreshold("log_loss") { Threshold = 0.4, MinAbsoluteChange = 0.1 }]);

        var checks = result.ToChecks();

        Assert.Equal(["threshold", "min_absolute_change"], checks.Select(c => c.Check));
        Assert.Equal(["<= 0.4", "<= 0.4"], checks.Select(c => c.Bound));
        Assert.All(checks, c => Assert.Equal("0.3", c.Value));
        Assert.All(checks, c => Assert.Equal(GateOutcome.Passed, c.Outcome));
    }

    [Theory]
    [InlineData(0.9995, 0.999, true, false)]  // a score above its ceiling (a leaked target)
    [InlineData(0.999, 0.999, true, true)]    // ties pass
    [InlineData(0.9, 0.999, true, true)]
    [InlineData(0.01, 0.05, false, false)]    // a loss below its floor
    [InlineData(0.2, 0.05, false, true)]
    public void OppositeBound_IsAPlainBoundOnTheOtherSide(double value, double bound, bool greater, bool passes)
    {
        var result = One(value, null, new MetricThreshold("m") { OppositeBound = bound, GreaterIsBetter = greater }, hasChampion: false);

        Assert.Equal(passes, result.Passed);
        var check = Assert.Single(result.Checks);
        Assert.Equal(MetricCheckKind.OppositeBound, check.Kind);
        var row = Assert.Single(new MetricGateResult([result]).ToChecks());
        Assert.Equal(greater ? "max" : "min", row.Check);
        Assert.StartsWith(greater ? "<= " : ">= ", row.Bound);
    }

    [Fact]
    public void PerClassAndMacroScores_HaveAKnownDirection()
    {
        Assert.True(MetricDirections.TryGetGreaterIsBetter("macro_f1", out var macro) && macro);
        Assert.True(MetricDirections.TryGetGreaterIsBetter("f1_class_setosa", out var perClass) && perClass);
        Assert.False(MetricDirections.TryGetGreaterIsBetter("f1_class_", out _));
    }
}
