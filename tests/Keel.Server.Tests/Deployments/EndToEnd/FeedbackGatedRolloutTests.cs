using System.Text.Json;

namespace Keel.Server.Tests.Deployments.EndToEnd;

/// <summary>
/// A canary gated on the model's metric from feedback, through the real controller: traffic goes to
/// the deployment's endpoint, the true label of every answered request is posted to the feedback API
/// by its request id, and the analysis steps (and the continuous gates) judge the candidate by its
/// metric on the labelled rows of each arm, with a minimum count and a one-sided significance test.
/// Only the feedback gate is configured, so it alone decides. A classifier's degraded candidate was
/// trained on shuffled labels (ROC AUC, bootstrap); a regressor's is the one trained on the negated
/// target (RMSE, bootstrap), as a model trained on shuffled delays answers about the mean delay and is
/// barely worse than the stable version on flights.
/// </summary>
/// <typeparam name="TFixture">The data set's server and models.</typeparam>
public abstract class FeedbackGatedRolloutTests<TFixture>(TFixture fixture) : RolloutDriver(fixture)
    where TFixture : RolloutFixture
{
    private const double Alpha = 0.01;

    private static readonly object[] Steps =
    [
        new { set_weight = 20 }, new { analysis = new { gates = new[] { "feedback" } } },
        new { set_weight = 50 }, new { analysis = new { gates = new[] { "feedback" } } },
    ];

    private string Metric => Fixture.Data.IsRegression ? "rmse" : "auc";

    private int MinCount => Fixture.Data.IsRegression ? 2000 : 150; // RMSE on delays (heavy tails: up to hours) needs many rows: at 600 the bootstrap gave p = 0.01 for 43.9 against 29.9

    private object Gates => new
    {
        feedback = new { metric = Metric, min_count = MinCount, alpha = Alpha, max_drop = Fixture.Data.IsRegression ? 2.0 : 0.05 },
    };

    [Fact]
    public async Task DegradedCandidate_IsRolledBackByTheFeedbackGate_OnLabelsPostedByRequestId()
    {
        var degraded = Fixture.Data.IsRegression ? "3" : "6";
        var (deployment, answers, history) = await RollOutAsync("fb-degraded", degraded, Steps, Gates, feedback: true);

        Assert.Equal(("rolled_back", 0, "1"), (deployment.GetProperty("state").GetString(), deployment.GetProperty("candidate_weight").GetInt32(), deployment.GetProperty("stable_version").GetString()));
        var rollback = history[^1];
        Assert.Equal(("rolled_back", "keel-controller"), (rollback.GetProperty("kind").GetString(), rollback.GetProperty("user").GetString()));
        Assert.Contains("gate feedback failed", rollback.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.InRange(rollback.GetProperty("step_index").GetInt32(), 0, 1); // at 20%, the first analysis
        Assert.DoesNotContain(history, e => e.GetProperty("candidate_weight").GetInt32() > 20);
        var gate = rollback.GetProperty("evidence").GetProperty("gates").GetProperty("feedback");
        AssertJudged(gate, "failed");
        Assert.True(gate.GetProperty("p_value").GetDouble() < Alpha, gate.ToString());
        Assert.True(gate.GetProperty("worse_by").GetDouble() > 0, gate.ToString());
        NoRequestFailed(answers);
        AllLabelsAccepted();
        await AssertAliasAsync("fb-degraded", "1");
        Note($"{Fixture.Data} feedback, degraded: " + gate.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task GoodCandidate_IsPromotedByTheFeedbackGate_OnLabelsPostedByRequestId()
    {
        var (deployment, answers, history) = await RollOutAsync("fb-good", "2", Steps, Gates, feedback: true);

        Assert.True(deployment.GetProperty("state").GetString() == "promoted", "not promoted: " + Summaries(history[^1]));
        Assert.Equal("2", deployment.GetProperty("stable_version").GetString());
        Assert.Equal(["created", "rollout_started", "step_advanced", "step_advanced", "step_advanced", "promoted"], history.Select(e => e.GetProperty("kind").GetString()).ToList());
        var analyses = history.Where(e => e.TryGetProperty("reason", out var r) && r.GetString()!.StartsWith("analysis passed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, analyses.Count);
        foreach (var e in analyses)
        {
            var gate = e.GetProperty("evidence").GetProperty("gates").GetProperty("feedback");
            AssertJudged(gate, "passed");
            Note($"{Fixture.Data} feedback, good: " + gate.GetProperty("summary").GetString());
        }

        NoRequestFailed(answers);
        AllLabelsAccepted();
        await AssertAliasAsync("fb-good", "2");
    }

    /// <summary>The gate judged the metric on at least min_count labelled rows of each arm, with the test's numbers.</summary>
    private void AssertJudged(JsonElement gate, string outcome)
    {
        Assert.Equal(outcome, gate.GetProperty("outcome").GetString());
        Assert.Equal(Metric, gate.GetProperty("metric").GetString());
        Assert.True(gate.GetProperty("stable_labelled").GetInt32() >= MinCount, gate.ToString());
        Assert.True(gate.GetProperty("candidate_labelled").GetInt32() >= MinCount, gate.ToString());
        Assert.Equal(JsonValueKind.Number, gate.GetProperty("stable_value").ValueKind);
        Assert.Equal(JsonValueKind.Number, gate.GetProperty("candidate_value").ValueKind);
        Assert.Equal(JsonValueKind.Number, gate.GetProperty("p_value").ValueKind);
    }

    private void AllLabelsAccepted()
    {
        Assert.NotEmpty(FeedbackStatuses);
        Assert.True(FeedbackStatuses.All(s => s == 200), "feedback answers: " + string.Join(", ", FeedbackStatuses.Where(s => s != 200)));
    }
}

/// <summary>Credit: the degraded candidate learnt from shuffled labels.</summary>
[Collection(CreditRolloutCollection.Name)]
public sealed class CreditFeedbackGatedRolloutTests(CreditRolloutFixture fixture) : FeedbackGatedRolloutTests<CreditRolloutFixture>(fixture);

/// <summary>Breast cancer: the degraded candidate learnt from shuffled labels.</summary>
[Collection(BreastCancerRolloutCollection.Name)]
public sealed class BreastCancerFeedbackGatedRolloutTests(BreastCancerRolloutFixture fixture) : FeedbackGatedRolloutTests<BreastCancerRolloutFixture>(fixture);

/// <summary>Flights: the degraded candidate learnt from the negated delay.</summary>
[Collection(FlightsRolloutCollection.Name)]
public sealed class FlightsFeedbackGatedRolloutTests(FlightsRolloutFixture fixture) : FeedbackGatedRolloutTests<FlightsRolloutFixture>(fixture);
