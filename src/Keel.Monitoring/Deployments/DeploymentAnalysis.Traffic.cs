using System.Text.Json.Nodes;
using Keel.Core.Deployments;
using Keel.Monitoring.Performance;

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

    private static (GateResult, JsonObject) LatencyP99(LatencyGate gate, Window w)
    {
        double max = gate.MaxRatio ?? 1;
        var stable = AnsweredLatencies(w.Stable);
        var candidate = AnsweredLatencies(w.Candidate);
        if (stable.Length == 0 || candidate.Length == 0)
        {
            return Inconclusive("latency_p99", $"latency_p99: an arm answered no request in the window (stable {stable.Length}, candidate {candidate.Length}).");
        }

        double ps = PredictionStatistics.Quantile(stable, 0.99), pc = PredictionStatistics.Quantile(candidate, 0.99);
        double ratio = ps > 0 ? pc / ps : pc > 0 ? double.PositiveInfinity : 1;
        bool failed = ratio > max;
        string summary = $"latency_p99 {(failed ? "failed" : "passed")}: the candidate's p99 is {S(pc / 1000.0, "0.###")} ms against the stable version's {S(ps / 1000.0, "0.###")} ms, "
            + $"a ratio of {S(ratio, "0.###")} {(failed ? ">" : "<=")} the {S(max, "0.###")} allowed.";
        return Judged("latency_p99", failed, summary, new JsonObject
        {
            ["stable_p99_us"] = Num(ps),
            ["candidate_p99_us"] = Num(pc),
            ["stable_answered"] = stable.Length,
            ["candidate_answered"] = candidate.Length,
            ["ratio"] = Num(ratio),
            ["max_ratio"] = Num(max),
        });
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
