using System.Text.Json.Nodes;
using Keel.Core.Deployments;

namespace Keel.Monitoring.Deployments;

// error_rate and latency_p99: the request windows of both arms.
public sealed partial class DeploymentAnalysis
{
    private static (GateResult, JsonObject) ErrorRate(ErrorRateGate gate, Window w)
    {
        double max = gate.MaxIncrease ?? 0;
        var (sn, se) = Errors(w.Stable);
        var (cn, ce) = Errors(w.Candidate);
        double rs = se / (double)sn, rc = ce / (double)cn, increase = rc - rs;
        bool failed = increase > max;
        string summary = $"error_rate {(failed ? "failed" : "passed")}: the candidate failed {ce} of {cn} requests ({S(rc * 100, "0.##")}%) and the stable version {se} of {sn} ({S(rs * 100, "0.##")}%), "
            + $"an increase of {S(increase * 100, "0.##")} points {(failed ? ">" : "<=")} the {S(max * 100, "0.##")} allowed.";
        return Judged("error_rate", failed, summary, new JsonObject
        {
            ["stable_requests"] = sn,
            ["stable_errors"] = se,
            ["stable_error_rate"] = Num(rs),
            ["candidate_requests"] = cn,
            ["candidate_errors"] = ce,
            ["candidate_error_rate"] = Num(rc),
            ["increase"] = Num(increase),
            ["max_increase"] = Num(max),
        });
    }

    /// <summary>
    /// latency_p99: fails only when the candidate's p99 is shown to be above
    /// <c>max(max_ratio × stable p99, stable p99 + min_increase_ms)</c>: its order-statistic lower
    /// bound exceeds that allowance computed on the stable version's upper bound (each bound at
    /// 1 − alpha/2, so a candidate whose true p99 is within the allowance fails with probability at
    /// most alpha, whatever the latency distributions). Fewer than <c>min_tail_samples</c> answers
    /// beyond an arm's p99 is inconclusive.
    /// </summary>
    private static (GateResult, JsonObject) LatencyP99(LatencyGate gate, Window w)
    {
        double maxRatio = gate.MaxRatio ?? 1;
        double floorMs = gate.MinIncreaseMs ?? DeploymentSpecValidator.DefaultLatencyMinIncreaseMs;
        double alpha = gate.Alpha ?? DeploymentSpecValidator.DefaultLatencyAlpha;
        long minTail = gate.MinTailSamples ?? DeploymentSpecValidator.DefaultLatencyMinTailSamples;
        var stable = AnsweredLatencies(w.Stable);
        var candidate = AnsweredLatencies(w.Candidate);
        var numbers = new JsonObject
        {
            ["stable_answered"] = stable.Length,
            ["candidate_answered"] = candidate.Length,
            ["max_ratio"] = Num(maxRatio),
            ["min_increase_ms"] = Num(floorMs),
            ["alpha"] = Num(alpha),
            ["min_tail_samples"] = minTail,
        };
        var judged = LatencyComparison.Judge(stable, candidate, maxRatio, floorMs * 1000, alpha, minTail);
        if (judged.Outcome == AnalysisOutcome.Inconclusive)
        {
            return Inconclusive("latency_p99", $"latency_p99: too few answered requests to bound a p99: each arm needs {minTail * 100} ({minTail} beyond its p99) "
                + $"and a bound at {S((1 - (alpha / 2)) * 100, "0.##")}% confidence; the candidate answered {candidate.Length}, the stable version {stable.Length}.", numbers);
        }

        bool failed = judged.Outcome == AnalysisOutcome.Failed;
        numbers["stable_p99_us"] = Num(judged.StableP99);
        numbers["candidate_p99_us"] = Num(judged.CandidateP99);
        numbers["ratio"] = Num(judged.Ratio);
        numbers["stable_p99_upper_us"] = Num(judged.StableUpper);
        numbers["candidate_p99_lower_us"] = Num(judged.CandidateLower);
        numbers["allowed_us"] = Num(judged.Allowed);
        numbers["ratio_lower_bound"] = Num(judged.StableUpper > 0 ? judged.CandidateLower / judged.StableUpper : double.PositiveInfinity);
        string summary = $"latency_p99 {(failed ? "failed" : "passed")}: the candidate's p99 is {S(judged.CandidateP99 / 1000.0, "0.###")} ms against the stable version's {S(judged.StableP99 / 1000.0, "0.###")} ms (ratio {S(judged.Ratio, "0.###")}); "
            + $"with {S((1 - (alpha / 2)) * 100, "0.##")}% bounds the candidate's is at least {S(judged.CandidateLower / 1000.0, "0.###")} ms, "
            + $"{(failed ? "above" : "not shown above")} the {S(judged.Allowed / 1000.0, "0.###")} ms allowed "
            + $"(the larger of {S(maxRatio, "0.###")} × and + {S(floorMs, "0.###")} ms over the stable's bound of {S(judged.StableUpper / 1000.0, "0.###")} ms).";
        return Judged("latency_p99", failed, summary, numbers);
    }

    private static (long Requests, long Errors) Errors(ArmWindowSnapshot window)
    {
        long errors = 0;
        foreach (var r in window.Requests)
        {
            errors += r.Failed ? 1 : 0;
        }

        return (window.Requests.Count, errors);
    }

    /// <summary>The latencies of the requests the arm answered (failures have their own gate), sorted.</summary>
    private static double[] AnsweredLatencies(ArmWindowSnapshot window)
    {
        var values = new List<double>(window.Requests.Count);
        foreach (var r in window.Requests)
        {
            if (!r.Failed)
            {
                values.Add(r.LatencyMicroseconds);
            }
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
