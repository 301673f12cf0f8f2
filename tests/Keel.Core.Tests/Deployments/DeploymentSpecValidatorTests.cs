using Keel.Core.Deployments;
using Keel.Core.Errors;

namespace Keel.Core.Tests.Deployments;

public sealed class DeploymentSpecValidatorTests
{
    private static DeploymentSpec Valid => DeploymentSamples.Canary("2");

    private static DeploymentSpec BlueGreen => Valid with { Strategy = "blue_green", Steps = [] };

    public static TheoryData<string, DeploymentSpec, string> Refused() => new()
    {
        { "missing name", Valid with { Name = null }, "'name'" },
        { "name with a slash", Valid with { Name = "a/b" }, "Invalid serving name" },
        { "missing model", Valid with { Model = null }, "'model'" },
        { "version not a number", Valid with { Version = "latest" }, "positive whole number" },
        { "version 0", Valid with { Version = "0" }, "positive whole number" },
        { "unknown strategy", Valid with { Strategy = "big_bang" }, "use one of blue_green, canary, rolling, shadow" },
        { "bad alias", Valid with { Alias = "v1" }, "alias" },
        { "archived stage", Valid with { Stage = "Archived" }, "Staging or Production" },
        { "weight over 100", Valid with { Steps = [new DeploymentStep { SetWeight = 101 }] }, "0 to 100" },
        { "negative weight", Valid with { Steps = [new DeploymentStep { SetWeight = -1 }] }, "0 to 100" },
        { "step with two actions", Valid with { Steps = [new DeploymentStep { SetWeight = 5, Pause = new PauseStep() }] }, "exactly one of" },
        { "empty step", Valid with { Steps = [new DeploymentStep()] }, "exactly one of" },
        { "canary without a weight", Valid with { Steps = [new DeploymentStep { Pause = new PauseStep() }] }, "at least one 'set_weight'" },
        { "bad duration", Valid with { Steps = [new DeploymentStep { SetWeight = 5 }, new DeploymentStep { Pause = new PauseStep { Duration = "5 minutes" } }] }, "pause.duration" },
        { "pause over 7 days", Valid with { Steps = [new DeploymentStep { SetWeight = 5 }, new DeploymentStep { Pause = new PauseStep { Duration = "8d" } }] }, "at most 7d" },
        { "min requests 0", Valid with { Steps = [new DeploymentStep { SetWeight = 5 }, new DeploymentStep { Pause = new PauseStep { MinRequests = 0 } }] }, "min_requests" },
        { "analysis without gates", Valid with { Gates = null }, "needs gates" },
        { "analysis of an unknown gate", Valid with { Steps = [new DeploymentStep { SetWeight = 5 }, new DeploymentStep { Analysis = new AnalysisStep { Gates = ["vibes"] } }] }, "Unknown gate 'vibes'" },
        { "analysis of an unset gate", Valid with { Steps = [new DeploymentStep { SetWeight = 5 }, new DeploymentStep { Analysis = new AnalysisStep { Gates = ["feedback"] } }] }, "not configured" },
        { "blue-green with a weight step", Valid with { Strategy = "blue_green" }, "switches traffic when it is promoted" },
        { "shadow with a candidate weight", Valid with { Strategy = "shadow", Steps = [], Traffic = new TrafficPolicy { CandidateWeight = 10 } }, "candidate_weight' is for canary" },
        { "shadow share over 1", Valid with { Strategy = "shadow", Steps = [], Traffic = new TrafficPolicy { ShadowShare = 1.5 } }, "shadow_share" },
        { "shadow share on a canary", Valid with { Traffic = new TrafficPolicy { ShadowShare = 0.5 } }, "for shadow rollouts" },
        { "rollback window without a unit", Valid with { Traffic = new TrafficPolicy { RollbackWindow = "10" } }, "traffic.rollback_window" },
        { "rollback window over a day", Valid with { Traffic = new TrafficPolicy { RollbackWindow = "2d" } }, "at most 1d" },
        { "rolling with steps", Valid with { Strategy = "rolling", Steps = [new DeploymentStep { Pause = new PauseStep() }] }, "rolling rollouts have no steps" },
        { "routing key with both", Valid with { Traffic = new TrafficPolicy { RoutingKey = new RoutingKey { Header = "X-Id", Column = "id" } } }, "exactly one of 'header' and 'column'" },
        { "routing key header with a space", Valid with { Traffic = new TrafficPolicy { RoutingKey = new RoutingKey { Header = "X Id" } } }, "Invalid header name" },
        { "routing key on blue-green", Valid with { Strategy = "blue_green", Steps = [], Traffic = new TrafficPolicy { RoutingKey = new RoutingKey { Column = "id" } } }, "routing_key' is for canary" },
        { "error rate over 1", Valid with { Gates = new DeploymentGates { ErrorRate = new ErrorRateGate { MaxIncrease = 2 } } }, "max_increase" },
        { "error rate without a threshold", Valid with { Gates = new DeploymentGates { ErrorRate = new ErrorRateGate() } }, "Missing value for 'gates.error_rate.max_increase'" },
        { "latency ratio under 1", Valid with { Gates = new DeploymentGates { LatencyP99 = new LatencyGate { MaxRatio = 0.5 } } }, "at least 1" },
        { "latency floor negative", Valid with { Gates = new DeploymentGates { LatencyP99 = new LatencyGate { MaxRatio = 2, MinIncreaseMs = -1 } } }, "gates.latency_p99.min_increase_ms" },
        { "latency alpha over 0.5", Valid with { Gates = new DeploymentGates { LatencyP99 = new LatencyGate { MaxRatio = 2, Alpha = 0.6 } } }, "gates.latency_p99.alpha" },
        { "latency tail samples 0", Valid with { Gates = new DeploymentGates { LatencyP99 = new LatencyGate { MaxRatio = 2, MinTailSamples = 0 } } }, "gates.latency_p99.min_tail_samples" },
        { "latency tail samples beyond the window", Valid with { Gates = new DeploymentGates { LatencyP99 = new LatencyGate { MaxRatio = 2, MinTailSamples = 81 } } }, "at most 80" },
        { "psi with alpha", Valid with { Gates = new DeploymentGates { PredictionShift = new DistributionGate { Max = 0.2, Alpha = 0.05 } } }, "PSI takes 'max'" },
        { "ks without alpha", Valid with { Gates = new DeploymentGates { PredictionShift = new DistributionGate { Method = "ks" } } }, "gates.prediction_shift.alpha" },
        { "min_effect above 1", Valid with { Gates = new DeploymentGates { PredictionShift = new DistributionGate { Method = "ks", Alpha = 0.05, MinEffect = 1.5 } } }, "gates.prediction_shift.min_effect" },
        { "min_effect negative", Valid with { Gates = new DeploymentGates { InputDrift = new DistributionGate { Method = "ks", Alpha = 0.05, MinEffect = -0.1 } } }, "gates.input_drift.min_effect" },
        { "min_effect with psi", Valid with { Gates = new DeploymentGates { PredictionShift = new DistributionGate { Max = 0.2, MinEffect = 0.1 } } }, "'gates.prediction_shift.min_effect' is for the ks and chi_square tests" },
        { "chi-square on input drift", Valid with { Gates = new DeploymentGates { InputDrift = new DistributionGate { Method = "chi_square", Alpha = 0.05 } } }, "use one of psi, ks" },
        { "feedback unknown metric", Valid with { Gates = new DeploymentGates { Feedback = new FeedbackGate { Metric = "vibes" } } }, "gates.feedback.metric" },
        { "feedback alpha 0", Valid with { Gates = new DeploymentGates { Feedback = new FeedbackGate { Metric = "accuracy", Alpha = 0 } } }, "gates.feedback.alpha" },
        { "feedback min count 0", Valid with { Gates = new DeploymentGates { Feedback = new FeedbackGate { Metric = "accuracy", MinCount = 0 } } }, "min_count" },
        { "NaN threshold", Valid with { Gates = new DeploymentGates { ErrorRate = new ErrorRateGate { MaxIncrease = double.NaN } } }, "max_increase" },
        { "checks on a canary", Valid with { Checks = new BlueGreenChecks { Data = "mlflow-artifacts:/data/bc.csv" } }, "'checks' is for blue_green rollouts" },
        { "checks without data", BlueGreen with { Checks = new BlueGreenChecks() }, "'checks.data'" },
        { "checks data a local path", BlueGreen with { Checks = new BlueGreenChecks { Data = "/etc/passwd" } }, "the server reads only its artifact store" },
        { "checks data a file URI", BlueGreen with { Checks = new BlueGreenChecks { Data = "file:///etc/passwd" } }, "the server reads only its artifact store" },
        { "checks data a URL", BlueGreen with { Checks = new BlueGreenChecks { Data = "https://example.com/bc.csv" } }, "the server reads only its artifact store" },
        { "checks data escaping the store", BlueGreen with { Checks = new BlueGreenChecks { Data = "mlflow-artifacts:/../../etc/passwd" } }, "Invalid data location" },
        { "checks data escaping a run", BlueGreen with { Checks = new BlueGreenChecks { Data = "runs:/abc/../../x.csv" } }, "Invalid data location" },
        { "checks data encoded escape", BlueGreen with { Checks = new BlueGreenChecks { Data = "mlflow-artifacts:/a/%2e%2e/%2e%2e/x.csv" } }, "Invalid data location" },
        { "checks data a folder", BlueGreen with { Checks = new BlueGreenChecks { Data = "runs:/abc" } }, "must name a file" },
        { "checks unknown metric", BlueGreen with { Checks = new BlueGreenChecks { Data = "runs:/abc/d.csv", Thresholds = new Dictionary<string, double> { ["vibes"] = 1 } } }, "Unknown metric 'vibes' in 'checks.thresholds'" },
        { "checks NaN bound", BlueGreen with { Checks = new BlueGreenChecks { Data = "runs:/abc/d.csv", Thresholds = new Dictionary<string, double> { ["roc_auc"] = double.NaN } } }, "finite number" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Normalize_RefusesABadSpec_SayingWhere(string why, DeploymentSpec spec, string mentions)
    {
        var e = Assert.Throws<KeelException>(() => DeploymentSpecValidator.Normalize(spec));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.True(e.Message.Contains(mentions, StringComparison.Ordinal), $"{why}: {e.Message}");
    }

    [Fact]
    public void Normalize_ReportsEveryProblemTogether()
    {
        var e = Assert.Throws<KeelException>(() => DeploymentSpecValidator.Normalize(Valid with { Version = "x", Strategy = "nope", Alias = "v1" }));
        Assert.Contains("3 problems", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_FillsDefaults_AndCanonicalisesSpellings()
    {
        var spec = DeploymentSpecValidator.Normalize(new DeploymentSpec
        {
            Name = "s",
            Model = "m",
            Version = "007",
            Strategy = "Blue-Green",
            Stage = "production",
        });
        Assert.Equal("blue_green", spec.Strategy);
        Assert.Equal("7", spec.Version);
        Assert.Equal("production", spec.Alias);
        Assert.Equal("Production", spec.Stage);
        Assert.Equal(0, spec.Traffic!.CandidateWeight);
        Assert.Empty(spec.Steps!);
        Assert.Equal(DeploymentSpecValidator.DefaultMinRequests, spec.Gates!.MinRequests);
    }

    [Fact]
    public void Normalize_ShadowGetsAFullCopyShareByDefault_AndFeedbackDefaults()
    {
        var spec = DeploymentSpecValidator.Normalize(Valid with
        {
            Strategy = "shadow",
            Steps = [new DeploymentStep { Pause = new PauseStep { Duration = "1h", MinRequests = 1000 } }, new DeploymentStep { Analysis = new AnalysisStep { Gates = ["feedback"] } }],
            Gates = new DeploymentGates { Feedback = new FeedbackGate { Metric = "auc" } },
        });
        Assert.Equal(1.0, spec.Traffic!.ShadowShare);
        Assert.Equal(200, spec.Gates!.Feedback!.MinCount);
        Assert.Equal(0.05, spec.Gates.Feedback.Alpha);
    }

    [Fact]
    public void Normalize_GivesTheLatencyGateItsNoiseFloorSignificanceAndTailDefaults()
    {
        var normalized = DeploymentSpecValidator.Normalize(Valid with { Gates = new DeploymentGates { LatencyP99 = new LatencyGate { MaxRatio = 2 } } });
        Assert.Equal(new LatencyGate { MaxRatio = 2, MinIncreaseMs = 0.1, Alpha = 0.05, MinTailSamples = 10 }, normalized.Gates!.LatencyP99);

        var set = new LatencyGate { MaxRatio = 1.5, MinIncreaseMs = 0, Alpha = 0.01, MinTailSamples = 80 };
        Assert.Equal(set, DeploymentSpecValidator.Normalize(Valid with { Gates = new DeploymentGates { LatencyP99 = set } }).Gates!.LatencyP99);
    }

    [Fact]
    public void RollbackWindow_IsFiveMinutesUnlessTheSpecSetsIt_AndZeroIsAllowed()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), DeploymentSpecValidator.RollbackWindow(DeploymentSpecValidator.Normalize(Valid)));
        var set = DeploymentSpecValidator.Normalize(Valid with { Traffic = new TrafficPolicy { RollbackWindow = "10m" } });
        Assert.Equal("10m", set.Traffic!.RollbackWindow);
        Assert.Equal(TimeSpan.FromMinutes(10), DeploymentSpecValidator.RollbackWindow(set));
        Assert.Equal(TimeSpan.Zero, DeploymentSpecValidator.RollbackWindow(DeploymentSpecValidator.Normalize(Valid with { Traffic = new TrafficPolicy { RollbackWindow = "0s" } })));
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    public void ParseDuration_ReadsANumberAndAUnit(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DeploymentSpecValidator.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("1.5h")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("9999999999s")]
    public void ParseDuration_RefusesAnythingElse(string text) => Assert.Null(DeploymentSpecValidator.ParseDuration(text));

    [Theory]
    [InlineData("runs:/abc123/data/holdout.csv", "runs:/abc123/data/holdout.csv")]
    [InlineData("mlflow-artifacts:/data/holdout.parquet", "mlflow-artifacts:/data/holdout.parquet")]
    [InlineData("mlflow-artifacts:///data/./holdout.csv", "mlflow-artifacts:/data/holdout.csv")]
    public void Normalize_KeepsABlueGreenCheckOnAStoreLocation_WithItsDefaults(string data, string stored)
    {
        var spec = DeploymentSpecValidator.Normalize(BlueGreen with { Checks = new BlueGreenChecks { Data = data, Thresholds = new Dictionary<string, double> { ["roc_auc"] = 0.9 } } });

        Assert.Equal(stored, spec.Checks!.Data);
        Assert.Equal(0.9, spec.Checks.Thresholds!["roc_auc"]);
        Assert.False(spec.Checks.Strict);
    }
}
