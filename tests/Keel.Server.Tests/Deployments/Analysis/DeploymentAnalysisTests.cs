using System.Globalization;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;

namespace Keel.Server.Tests.Deployments.Analysis;

/// <summary>The gates on a real breast-cancer model's answers: a good candidate passes, an inverted, an erroring and a slow one fail the gate that sees them.</summary>
public sealed class DeploymentAnalysisTests(BreastCancerTraffic data) : IClassFixture<BreastCancerTraffic>
{
    private static readonly DeploymentGates AllGates = new()
    {
        MinRequests = 100,
        ErrorRate = new ErrorRateGate { MaxIncrease = 0.02 },
        // The data set gives each arm ~285 requests: min_tail_samples 2 (200 answers) and alpha 0.2
        // (90% bounds) let a p99 be bounded from so few (the defaults need 1,000 per arm).
        LatencyP99 = new LatencyGate { MaxRatio = 1.5, MinTailSamples = 2, Alpha = 0.2 },
        PredictionShift = new DistributionGate { Method = "psi", Max = 0.2 },
        InputDrift = new DistributionGate { Method = "psi", Max = 0.2 },
        Feedback = new FeedbackGate { Metric = "accuracy", MinCount = 200, Alpha = 0.05, MaxDrop = 0 },
    };

    private static readonly string[] Gates = ["error_rate", "latency_p99", "prediction_shift", "input_drift", "feedback"];

    /// <summary>Scoring times drawn with a fixed seed: 200–300 µs, and <paramref name="factor"/> times that for a slow arm.</summary>
    private static Func<int, long> Latency(int seed, double factor = 1)
    {
        var random = new Random(seed);
        var table = Enumerable.Range(0, 1000).Select(_ => (long)((200 + random.Next(100)) * factor)).ToArray();
        return i => table[i];
    }

    private async Task<(DeploymentTraffic Traffic, Deployment Deployment)> CanaryAsync(string name, DeploymentGates gates,
        Func<int, string>? candidateOutput = null, Func<int, bool>? candidateFails = null, double candidateSlowdown = 1, Func<int, string>? candidateInputs = null)
    {
        var traffic = new DeploymentTraffic(data);
        var deployment = DeploymentTraffic.Deployment(name, gates);
        var (stable, candidate) = DeploymentTraffic.Halves(data.RowsJson.Length);
        await traffic.SendAsync(name, DeploymentArms.Stable, "1", stable, i => data.OutputJson(i), latencyUs: Latency(1));
        await traffic.SendAsync(name, DeploymentArms.Candidate, "2", candidate, candidateOutput ?? (i => data.OutputJson(i)), candidateFails, Latency(2, candidateSlowdown), inputs: candidateInputs);
        return (traffic, deployment);
    }

    private static Dictionary<string, GateResult> ByGate(AnalysisVerdict verdict) => verdict.Gates.ToDictionary(g => g.Gate);

    [Fact]
    public async Task GoodCandidate_PassesEveryGate_WithEvidenceForEach()
    {
        var (traffic, deployment) = await CanaryAsync("good", AllGates);
        await using var _ = traffic;

        var verdict = await traffic.Analysis().AnalyzeAsync(deployment, Gates, 0);

        Assert.True(verdict.Outcome == AnalysisOutcome.Passed, string.Join("\n", verdict.Gates.Select(g => g.Summary)));
        Assert.All(verdict.Gates, g => Assert.Equal(AnalysisOutcome.Passed, g.Outcome));
        var evidence = verdict.Evidence.GetProperty("gates");
        Assert.Equal(Gates, evidence.EnumerateObject().Select(p => p.Name));
        Assert.Equal(285, evidence.GetProperty("error_rate").GetProperty("candidate_requests").GetInt64());
        Assert.Equal(30, evidence.GetProperty("input_drift").GetProperty("compared_columns").GetInt32());
        Assert.Equal(284, evidence.GetProperty("feedback").GetProperty("stable_labelled").GetInt32());
        Assert.Equal("passed", verdict.Evidence.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task InvertedCandidate_FailsPredictionShiftAndFeedback()
    {
        var gates = AllGates with { PredictionShift = new DistributionGate { Method = "chi_square", Alpha = 0.01 } };
        var (traffic, deployment) = await CanaryAsync("inverted", gates, candidateOutput: i => data.OutputJson(i, inverted: true));
        await using var _ = traffic;

        var verdict = await traffic.Analysis().AnalyzeAsync(deployment, Gates, 0);
        var psi = await traffic.Analysis().AnalyzeAsync(deployment with { Spec = deployment.Spec with { Gates = AllGates } }, ["prediction_shift"], 0);

        var gate = ByGate(verdict);
        Assert.Equal(AnalysisOutcome.Failed, verdict.Outcome);
        Assert.Equal(AnalysisOutcome.Failed, gate["prediction_shift"].Outcome);
        Assert.Equal(AnalysisOutcome.Failed, gate["feedback"].Outcome);
        Assert.Equal(AnalysisOutcome.Passed, gate["error_rate"].Outcome);
        Assert.Equal(AnalysisOutcome.Passed, gate["input_drift"].Outcome);
        Assert.Equal(AnalysisOutcome.Failed, psi.Outcome);
        Assert.Contains("PSI", psi.Gates[0].Summary, StringComparison.Ordinal);

        // The accuracies are the model's own answers against the true labels, counted here independently.
        var (stableRows, candidateRows) = DeploymentTraffic.Halves(data.RowsJson.Length);
        double stableAccuracy = stableRows.Count(i => data.Predictions[i].Label == data.Truth[i]) / (double)stableRows.Length;
        double candidateAccuracy = candidateRows.Count(i => data.Predictions[i].Label != data.Truth[i]) / (double)candidateRows.Length;
        var feedback = verdict.Evidence.GetProperty("gates").GetProperty("feedback");
        Assert.Equal(stableAccuracy, feedback.GetProperty("stable_value").GetDouble(), 1e-12);
        Assert.Equal(candidateAccuracy, feedback.GetProperty("candidate_value").GetDouble(), 1e-12);
        Assert.True(feedback.GetProperty("p_value").GetDouble() < 1e-10);
        Assert.Contains(candidateAccuracy.ToString("G4", CultureInfo.InvariantCulture), gate["feedback"].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignificantButTinyLabelShift_PassesUnderTheDefaultMinEffect_AndFailsWithMinEffectZero()
    {
        // Each arm answers half of the data 20 times (about 5,700 requests): the candidate flips
        // one answer in 13 of the commoner class. The label shares then differ by about two points:
        // chi-square finds it (p < 0.01 at this count), Cramér's V stays far under the default 0.1.
        const string name = "tiny-shift";
        var traffic = new DeploymentTraffic(data);
        await using var _ = traffic;
        // Both arms answer the same rows, so only the candidate's flips tell them apart.
        var rows = Enumerable.Repeat(DeploymentTraffic.Halves(data.RowsJson.Length).Stable, 20).SelectMany(r => r).ToArray();
        int n = 0;
        string Id(int i) => $"{name}-{++n}";
        await traffic.SendAsync(name, DeploymentArms.Stable, "1", rows, i => data.OutputJson(i), requestId: Id, feedback: false);
        string common = data.Predictions.GroupBy(p => p.Label).MaxBy(g => g.Count())!.Key!;
        await traffic.SendAsync(name, DeploymentArms.Candidate, "2", rows,
            i => data.OutputJson(i, inverted: i % 13 == 0 && data.Predictions[i].Label == common), requestId: Id, feedback: false);
        var chiSquare = new DistributionGate { Method = "chi_square", Alpha = 0.01 };
        var byDefault = DeploymentTraffic.Deployment(name, AllGates with { PredictionShift = chiSquare });
        var strict = DeploymentTraffic.Deployment(name, AllGates with { PredictionShift = chiSquare with { MinEffect = 0 } });

        var passed = await traffic.Analysis().AnalyzeAsync(byDefault, ["prediction_shift"], 0);
        var failed = await traffic.Analysis().AnalyzeAsync(strict, ["prediction_shift"], 0);

        Assert.True(passed.Outcome == AnalysisOutcome.Passed, passed.Gates[0].Summary);
        Assert.True(failed.Outcome == AnalysisOutcome.Failed, failed.Gates[0].Summary);
        var evidence = passed.Evidence.GetProperty("gates").GetProperty("prediction_shift");
        Assert.True(evidence.GetProperty("p_value").GetDouble() < 0.01, passed.Gates[0].Summary);
        double effect = evidence.GetProperty("effect").GetDouble();
        Assert.InRange(effect, 0.005, 0.1);
        Assert.Equal(DeploymentSpecValidator.DefaultMinEffect, evidence.GetProperty("min_effect").GetDouble());
        // V = √(χ²/N) over both arms' labels.
        double statistic = evidence.GetProperty("statistic").GetDouble();
        long total = evidence.GetProperty("stable_count").GetInt64() + evidence.GetProperty("candidate_count").GetInt64();
        Assert.Equal(Math.Sqrt(statistic / total), effect, 1e-12);
        Assert.Contains("Cramér's V", passed.Gates[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvertedCandidate_FailsTheBootstrapFeedbackTestsOnF1AndAuc()
    {
        var (traffic, deployment) = await CanaryAsync("inverted-f1", AllGates, candidateOutput: i => data.OutputJson(i, inverted: true));
        await using var _ = traffic;
        foreach (var metric in new[] { "f1", "auc" })
        {
            var d = deployment with { Spec = deployment.Spec with { Gates = AllGates with { Feedback = AllGates.Feedback! with { Metric = metric } } } };
            var verdict = await traffic.Analysis().AnalyzeAsync(d, ["feedback"], 0);
            Assert.True(verdict.Outcome == AnalysisOutcome.Failed, verdict.Gates[0].Summary);
            Assert.Contains("bootstrap", verdict.Gates[0].Summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ErroringCandidate_FailsErrorRate()
    {
        // The candidate fails on large tumours (mean radius above 17: about one row in six).
        var (traffic, deployment) = await CanaryAsync("erroring", AllGates, candidateFails: i => JsonDocument.Parse(data.RowsJson[i]).RootElement[0].GetDouble() > 17);
        await using var _ = traffic;

        var verdict = await traffic.Analysis().AnalyzeAsync(deployment, ["error_rate", "latency_p99"], 0);

        var (_, candidateRows) = DeploymentTraffic.Halves(data.RowsJson.Length);
        int errors = candidateRows.Count(i => JsonDocument.Parse(data.RowsJson[i]).RootElement[0].GetDouble() > 17);
        Assert.Equal(AnalysisOutcome.Failed, verdict.Outcome);
        Assert.Equal(AnalysisOutcome.Failed, ByGate(verdict)["error_rate"].Outcome);
        Assert.Equal(AnalysisOutcome.Passed, ByGate(verdict)["latency_p99"].Outcome);
        var numbers = verdict.Evidence.GetProperty("gates").GetProperty("error_rate");
        Assert.Equal(errors, numbers.GetProperty("candidate_errors").GetInt64());
        Assert.Equal(errors / 285.0, numbers.GetProperty("increase").GetDouble(), 1e-12);
        Assert.Equal(new ArmCounts(285, errors), await traffic.Analysis().CountAsync(deployment, DeploymentArms.Candidate, 0));
    }

    [Fact]
    public async Task SlowCandidate_FailsLatencyP99_WithTheRatioOfNumpyQuantiles()
    {
        var (traffic, deployment) = await CanaryAsync("slow", AllGates, candidateSlowdown: 3);
        await using var _ = traffic;

        var verdict = await traffic.Analysis().AnalyzeAsync(deployment, ["latency_p99", "error_rate"], 0);

        var (stableRows, candidateRows) = DeploymentTraffic.Halves(data.RowsJson.Length);
        double expected = P99(candidateRows.Select(Latency(2, 3)).ToArray()) / P99(stableRows.Select(Latency(1)).ToArray());
        Assert.Equal(AnalysisOutcome.Failed, ByGate(verdict)["latency_p99"].Outcome);
        Assert.Equal(AnalysisOutcome.Passed, ByGate(verdict)["error_rate"].Outcome);
        var numbers = verdict.Evidence.GetProperty("gates").GetProperty("latency_p99");
        Assert.Equal(expected, numbers.GetProperty("ratio").GetDouble(), 1e-12);
        // 90% bounds from 284 and 285 answers (exact binomial): the stable's largest, the candidate's 280th.
        Assert.Equal(stableRows.Select(Latency(1)).Max(), numbers.GetProperty("stable_p99_upper_us").GetDouble());
        Assert.Equal(candidateRows.Select(Latency(2, 3)).Order().ElementAt(279), numbers.GetProperty("candidate_p99_lower_us").GetDouble());
    }

    [Fact]
    public async Task DriftedInputs_FailInputDrift_AndNoReferenceIsInconclusive()
    {
        // The candidate's traffic has every mean radius half as large again.
        var (traffic, deployment) = await CanaryAsync("drifted", AllGates, candidateInputs: i =>
        {
            var values = JsonSerializer.Deserialize<double[]>(data.RowsJson[i])!;
            values[0] *= 1.5;
            return JsonSerializer.Serialize(values);
        });
        await using var _ = traffic;

        var drift = await traffic.Analysis().AnalyzeAsync(deployment, ["input_drift"], 0);
        var none = await traffic.Analysis(withReference: false).AnalyzeAsync(deployment, ["input_drift"], 0);

        Assert.Equal(AnalysisOutcome.Failed, drift.Outcome);
        Assert.Contains(data.Columns[0], drift.Gates[0].Summary, StringComparison.Ordinal);
        Assert.Equal(1, drift.Evidence.GetProperty("gates").GetProperty("input_drift").GetProperty("drifted_columns").GetInt32());
        Assert.Equal(AnalysisOutcome.Inconclusive, none.Outcome);
        Assert.Contains("no reference", none.Gates[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooFewRequestsOrLabels_AreInconclusive()
    {
        var gates = AllGates with { MinRequests = 1000, Feedback = AllGates.Feedback! with { MinCount = 500 } };
        var (traffic, deployment) = await CanaryAsync("few", gates, candidateOutput: i => data.OutputJson(i, inverted: true));
        await using var _ = traffic;

        var verdict = await traffic.Analysis().AnalyzeAsync(deployment, Gates, 0);

        Assert.Equal(AnalysisOutcome.Inconclusive, verdict.Outcome);
        Assert.All(verdict.Gates, g => Assert.Equal(AnalysisOutcome.Inconclusive, g.Outcome));
        Assert.Contains("285", ByGate(verdict)["error_rate"].Summary, StringComparison.Ordinal);
        Assert.Contains("1000", ByGate(verdict)["error_rate"].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaterWindow_JudgesOnlyTheRequestsSinceItsStart()
    {
        var (traffic, deployment) = await CanaryAsync("later", AllGates, candidateOutput: i => data.OutputJson(i, inverted: true));
        await using var _ = traffic;

        var verdict = await traffic.Analysis().AnalyzeAsync(deployment, ["prediction_shift"], traffic.Time.GetUtcNow().ToUnixTimeMilliseconds());

        Assert.Equal(AnalysisOutcome.Inconclusive, verdict.Outcome);
    }

    /// <summary>numpy.percentile(values, 99) (linear interpolation).</summary>
    private static double P99(long[] values)
    {
        var sorted = values.Select(v => (double)v).Order().ToArray();
        double pos = 0.99 * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        return sorted[lo] + (sorted[Math.Min(lo + 1, sorted.Length - 1)] - sorted[lo]) * (pos - lo);
    }
}
