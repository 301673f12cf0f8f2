using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Deployments.EndToEnd;

/// <summary>
/// Drives one canary rollout on a <see cref="RolloutFixture"/>'s server: creates the deployment on
/// the stable version, sends traffic from four callers to <c>/deployments/{name}/invocations</c> the
/// whole time, applies the candidate, waits for the controller to promote, roll back or fail it, and
/// keeps sending for 50 requests more. With feedback on, each caller posts the true label of every
/// answered request to <c>POST /api/2.0/keel/serving/feedback</c> by its <c>X-Request-Id</c> right
/// after the answer (so the labels keep up with the traffic).
/// </summary>
public abstract class RolloutDriver(RolloutFixture fixture)
{
    protected RolloutFixture Fixture { get; } = fixture;

    /// <summary>One answer a caller got.</summary>
    public sealed record Answer(long SentMs, int Status, string? Arm, string? Version, string? RequestId, int Row);

    /// <summary>A deployment's name on this data set's server.</summary>
    protected string Name(string what) => $"{Fixture.Data.Name}-{what}";

    /// <summary>Feedback calls and their statuses, when the rollout posts labels.</summary>
    protected ConcurrentQueue<int> FeedbackStatuses { get; } = new();

    protected async Task<(JsonElement Deployment, List<Answer> Answers, List<JsonElement> History)> RollOutAsync(
        string what, string candidate, object[] steps, object gates, IReadOnlyList<string>? bodies = null, bool feedback = false)
    {
        var name = Name(what);
        object Spec(string version) => new { name, model = Fixture.Model, version, strategy = "canary", alias = "prod-" + name, steps, gates };
        var created = await Fixture.Client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec = Spec("1") });
        Assert.True(created.Status == 200, created.Body);

        var answers = new ConcurrentQueue<Answer>();
        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, 4).Select(i => SendAsync(name, i, bodies ?? Fixture.Bodies, answers, feedback, stop.Token)).ToArray();
        await WaitAsync(() => Task.FromResult(answers.Count >= 20), "the stable version to answer");
        var applied = await Fixture.Client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = Spec(candidate) });
        Assert.True(applied.Status == 200, applied.Body);

        JsonElement deployment = default;
        try
        {
            await WaitAsync(async () =>
            {
                deployment = (await Fixture.Client.ApiGetAsync($"/api/2.0/keel/deployments/get?name={name}"))["deployment"];
                return deployment.GetProperty("state").GetString() is "promoted" or "rolled_back" or "failed";
            }, $"rollout of {name} to finish", seconds: 180);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException(e.Message + " " + await WhyAsync(name));
        }

        var settled = answers.Count;
        await WaitAsync(() => Task.FromResult(answers.Count >= settled + 50), "traffic after the switch");
        await stop.CancelAsync();
        await Task.WhenAll(traffic);
        var history = (await Fixture.Client.ApiGetAsync($"/api/2.0/keel/deployments/history?name={name}&max_results=1000"))["events"].EnumerateArray().ToList();
        return (deployment, [.. answers.OrderBy(a => a.SentMs)], history);
    }

    /// <summary>What the gates say now about a rollout that did not finish (for the failure message).</summary>
    private async Task<string> WhyAsync(string name)
    {
        var stored = await Fixture.Factory.Services.GetRequiredService<IDeploymentStore>().GetAsync(name);
        var analysis = Fixture.Factory.Services.GetRequiredService<IDeploymentAnalysis>();
        var verdict = await analysis.AnalyzeAsync(stored, stored.Spec.Gates?.Configured() ?? [], stored.StateChangedAt);
        return $"State {stored.State}, step {stored.StepIndex}, weight {stored.CandidateWeight}; the gates now: "
            + string.Join(" | ", verdict.Gates.Select(g => $"{g.Gate} {g.Outcome}: {g.Summary}"));
    }

    private async Task SendAsync(string name, int worker, IReadOnlyList<string> bodies, ConcurrentQueue<Answer> answers, bool labels, CancellationToken stop)
    {
        var i = worker;
        while (!stop.IsCancellationRequested)
        {
            var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var row = i % bodies.Count;
            using var content = new StringContent(bodies[row], Encoding.UTF8, "application/json");
            using var response = await Fixture.Client.PostAsync($"/deployments/{name}/invocations", content, CancellationToken.None);
            var answer = new Answer(
                sent,
                (int)response.StatusCode,
                Header(response, "X-Keel-Deployment-Arm"),
                Header(response, "X-Keel-Model-Version"),
                Header(response, "X-Request-Id"),
                row);
            answers.Enqueue(answer);
            if (labels && answer.Status == 200)
            {
                await PostLabelAsync(answer);
            }

            i += 4;
        }
    }

    /// <summary>Posts an answered request's true label by its request id.</summary>
    private async Task PostLabelAsync(Answer answer)
    {
        var body = JsonSerializer.Serialize(new { request_id = answer.RequestId, labels = new[] { Fixture.Truth[answer.Row] } });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Fixture.Client.PostAsync("/api/2.0/keel/serving/feedback", content, CancellationToken.None);
        FeedbackStatuses.Enqueue((int)response.StatusCode);
    }

    /// <summary>An event's reason and each gate's summary in its evidence (for failure messages).</summary>
    protected static string Summaries(JsonElement e)
    {
        var reason = e.TryGetProperty("reason", out var r) ? r.GetString() : null;
        if (!e.TryGetProperty("evidence", out var evidence) || evidence.ValueKind != JsonValueKind.Object || !evidence.TryGetProperty("gates", out var gates))
        {
            return reason ?? "";
        }

        return reason + " || " + string.Join(" | ", gates.EnumerateObject().Select(g => g.Value.TryGetProperty("summary", out var s) ? s.GetString() : g.Name));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    protected static async Task WaitAsync(Func<Task<bool>> condition, string what, double seconds = 60)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed.TotalSeconds < seconds, $"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(20);
        }
    }

    protected static void NoRequestFailed(List<Answer> answers) =>
        Assert.True(answers.All(a => a.Status == 200), "failed requests: " + string.Join(", ", answers.Where(a => a.Status != 200).Select(a => a.Status)));

    /// <summary>Production (the deployment's alias) points at <paramref name="version"/>.</summary>
    protected async Task AssertAliasAsync(string what, string version)
    {
        var alias = await Fixture.Client.ApiGetAsync($"registered-models/alias?name={Fixture.Model}&alias=prod-{Name(what)}");
        Assert.Equal(version, alias["model_version"].GetProperty("version").GetString());
    }

    /// <summary>A line for the test output and the file named by KEEL_GATE_BENCH (docs/deployments.md); never asserted.</summary>
    protected static void Note(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("KEEL_GATE_BENCH") is { Length: > 0 } file)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }

    /// <summary>
    /// The gate-to-zero time: from the rollback's decision (its event timestamp, taken right after the
    /// failed verdict and before the write) to the first request after which the candidate answered
    /// none. Written to the file named by KEEL_GATE_BENCH (docs/benchmarks.md); never asserted.
    /// </summary>
    protected static void Report(string name, List<JsonElement> history, List<Answer> answers)
    {
        var decided = history[^1].GetProperty("timestamp").GetInt64();
        var lastCandidate = answers.FindLastIndex(a => a.Arm == "candidate");
        var zeroFrom = lastCandidate + 1 < answers.Count ? answers[lastCandidate + 1].SentMs : long.MaxValue;
        Note($"{name}: gate verdict -> 0% candidate at the request path: {Math.Max(0, zeroFrom - decided)} ms (last candidate answer sent {answers[lastCandidate].SentMs - decided} ms after the decision; {answers.Count} requests)");
    }
}
