using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Keel.Core.Deployments;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>
/// A small deterministic <see cref="IDeploymentAnalysis"/> for the controller's step-logic tests:
/// it judges the error_rate gate (and only that) from the observations the test sends, with the
/// spec's thresholds; every other gate passes once both arms have the minimum of requests. The
/// end-to-end tests use the real analysis.
/// </summary>
internal sealed class ObservedAnalysis : IDeploymentAnalysis, IDeploymentObserver
{
    private readonly ConcurrentQueue<DeploymentObservation> _seen = new();

    /// <summary>Each verdict, in order, with when it was returned (for the gate-to-zero measurement).</summary>
    public ConcurrentQueue<(AnalysisVerdict Verdict, long At)> Verdicts { get; } = new();

    public Func<long> Clock { get; set; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Observe(in DeploymentObservation observation) => _seen.Enqueue(observation with { InputsUtf8 = default, OutputsUtf8 = default });

    /// <summary>Sends <paramref name="count"/> answers of <paramref name="arm"/>, <paramref name="failed"/> of which failed.</summary>
    public void Send(string deployment, string arm, int count, int failed, long timestampMs)
    {
        for (var i = 0; i < count; i++)
        {
            Observe(new DeploymentObservation(deployment, arm, "?", Guid.NewGuid().ToString("N"), timestampMs, 1000, i < failed, 1, [], default, default));
        }
    }

    public Task<ArmCounts> CountAsync(Deployment deployment, string arm, long sinceMs, CancellationToken cancellationToken = default)
    {
        var mine = _seen.Where(o => o.Deployment == deployment.Name && o.Arm == arm && o.TimestampMs >= sinceMs).ToList();
        return Task.FromResult(new ArmCounts(mine.Count, mine.Count(o => o.Failed)));
    }

    public async Task<AnalysisVerdict> AnalyzeAsync(Deployment deployment, IReadOnlyList<string> gates, long windowStartMs, CancellationToken cancellationToken = default)
    {
        var stable = await CountAsync(deployment, "stable", windowStartMs, cancellationToken);
        var candidate = await CountAsync(deployment, "candidate", windowStartMs, cancellationToken);
        var min = deployment.Spec.Gates?.MinRequests ?? 100;
        var results = new List<GateResult>();
        foreach (var gate in gates)
        {
            if (stable.Requests < min || candidate.Requests < min)
            {
                results.Add(new GateResult(gate, AnalysisOutcome.Inconclusive, $"{candidate.Requests} candidate and {stable.Requests} stable requests; {min} needed"));
                continue;
            }

            if (gate == "error_rate")
            {
                var increase = ((double)candidate.Errors / candidate.Requests) - ((double)stable.Errors / stable.Requests);
                var max = deployment.Spec.Gates!.ErrorRate!.MaxIncrease ?? 0.01;
                results.Add(new GateResult(gate, increase > max ? AnalysisOutcome.Failed : AnalysisOutcome.Passed, string.Create(CultureInfo.InvariantCulture, $"error rate increase {increase:F3}, at most {max}")));
            }
            else
            {
                results.Add(new GateResult(gate, AnalysisOutcome.Passed, "not judged by this test analysis"));
            }
        }

        var outcome = results.Any(r => r.Outcome == AnalysisOutcome.Failed) ? AnalysisOutcome.Failed
            : results.All(r => r.Outcome == AnalysisOutcome.Passed) ? AnalysisOutcome.Passed : AnalysisOutcome.Inconclusive;
        var evidence = JsonSerializer.SerializeToElement(new { stable_requests = stable.Requests, stable_errors = stable.Errors, candidate_requests = candidate.Requests, candidate_errors = candidate.Errors, gates = results.Select(r => new { gate = r.Gate, outcome = r.Outcome.ToString(), summary = r.Summary }) });
        var verdict = new AnalysisVerdict(outcome, results, evidence);
        Verdicts.Enqueue((verdict, Clock()));
        return verdict;
    }
}
