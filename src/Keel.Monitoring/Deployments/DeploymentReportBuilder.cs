using System.Globalization;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Deployments;

/// <summary>Builds a <see cref="DeploymentReport"/> from a deployment's prediction log: answers, and failed requests counted from its error rows.</summary>
public static partial class DeploymentReportBuilder
{
    /// <summary>The most logged requests one report reads.</summary>
    public const int MaxRequests = 200_000;

    /// <summary>The confidence level of the agreement's Wilson interval.</summary>
    public const double Confidence = 0.95;

    /// <summary>Bins of the regression differences' histogram.</summary>
    public const int HistogramBins = 20;

    /// <summary>Reads the deployment's log in [<paramref name="fromMs"/>, <paramref name="toMs"/>) and compares its arms.</summary>
    /// <param name="store">The prediction log.</param>
    /// <param name="deployment">The deployment.</param>
    /// <param name="fromMs">Inclusive start, Unix ms; null for the beginning.</param>
    /// <param name="toMs">Exclusive end, Unix ms; null for no end.</param>
    /// <param name="windows">The server's analysis windows (errors per arm); null where there are none (a local store).</param>
    /// <param name="nowMs">Now, Unix ms.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public static async Task<DeploymentReport> BuildAsync(IPredictionStore store, Deployment deployment, long? fromMs, long? toMs, DeploymentWindows? windows, long nowMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(deployment);
        var query = new PredictionQuery(string.Empty, fromMs, toMs, PredictionQuery.MaxPageSize) { Deployment = deployment.Name };
        query.Validate();
        var logged = new List<LoggedPrediction>();
        bool truncated = false;
        while (true)
        {
            var page = await store.SearchAsync(query, cancellationToken).ConfigureAwait(false);
            logged.AddRange(page.Items);
            if (page.NextPageToken is null)
            {
                break;
            }

            if (logged.Count >= MaxRequests)
            {
                truncated = true;
                break;
            }

            query = query with { PageToken = page.NextPageToken };
        }

        // Failed requests per arm from the log's error rows: they survive restarts and cover every server process.
        var failed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var count in await store.CountErrorsAsync(query with { PageToken = null }, cancellationToken).ConfigureAwait(false))
        {
            var arm = count.Arm ?? DeploymentArms.Stable;
            failed[arm] = failed.GetValueOrDefault(arm) + count.Errors;
        }

        return Build(deployment, logged, fromMs, toMs, windows, nowMs, truncated, failed);
    }

    /// <summary>Compares the arms of already read log records.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <param name="logged">Its answered requests in the range.</param>
    /// <param name="fromMs">Inclusive start, Unix ms; null for the beginning.</param>
    /// <param name="toMs">Exclusive end, Unix ms; null for no end.</param>
    /// <param name="windows">The server's analysis windows, for errors when <paramref name="loggedErrors"/> is null; null where there are none.</param>
    /// <param name="nowMs">Now, Unix ms.</param>
    /// <param name="truncated">Whether the reading stopped at <see cref="MaxRequests"/>.</param>
    /// <param name="loggedErrors">Failed requests per arm counted from the prediction log; null to take errors from <paramref name="windows"/>.</param>
    public static DeploymentReport Build(
        Deployment deployment, IReadOnlyList<LoggedPrediction> logged, long? fromMs, long? toMs, DeploymentWindows? windows, long nowMs, bool truncated = false, IReadOnlyDictionary<string, long>? loggedErrors = null)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(logged);
        var byArm = logged.GroupBy(l => l.Record.Arm ?? DeploymentArms.Stable, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var arm in loggedErrors?.Keys ?? [])
        {
            byArm.TryAdd(arm, []); // an arm that only failed in the range is reported too
        }

        // The strategy's candidate arm; the other one when only that one is in the range (the strategy changed since).
        string candidateArm = DeploymentAnalysis.CandidateArm(deployment);
        string otherArm = candidateArm == DeploymentArms.Shadow ? DeploymentArms.Candidate : DeploymentArms.Shadow;
        if (!byArm.ContainsKey(candidateArm) && byArm.ContainsKey(otherArm))
        {
            candidateArm = otherArm;
        }
        var arms = new List<string> { DeploymentArms.Stable, candidateArm };
        arms.AddRange(byArm.Keys.Where(a => !arms.Contains(a)).Order(StringComparer.Ordinal));
        var notes = new List<string>();
        bool windowed = loggedErrors is null && windows is not null && windows.HasSeen(deployment.Name);
        notes.Add(loggedErrors is not null
            ? "Errors come from the prediction log: requests an arm's model refused (its signature) or failed while scoring, sampled as answers are; requests refused before any model saw them (malformed bodies) are not counted."
            : windowed
            ? "Errors come from this server's analysis windows (the latest requests it kept in memory), not from the prediction log, which records answers only."
            : windows is null
                ? "Errors are unknown: the prediction log records answers only, and errors are counted by a running server's analysis windows (ask the server: keel deploy report --tracking-uri ...)."
                : "Errors are unknown: this server has seen no request of the deployment since it started, and the prediction log records answers only.");
        var feedback = arms.ToDictionary(a => a, a => Feedback(byArm.GetValueOrDefault(a) ?? []), StringComparer.Ordinal);
        var (codes, positive) = DeploymentAnalysis.Encode(
            feedback.GetValueOrDefault(DeploymentArms.Stable) ?? new FeedbackRows(),
            new FeedbackRowsUnion(feedback.Values).Rows);
        var reports = arms
            .Where(a => byArm.ContainsKey(a) || a == DeploymentArms.Stable || a == candidateArm)
            .Select(a => Arm(a, byArm.GetValueOrDefault(a) ?? [], feedback.GetValueOrDefault(a) ?? new FeedbackRows(), codes, positive, windowed ? windows!.Snapshot(deployment.Name, a, fromMs ?? 0, toMs ?? long.MaxValue) : null, loggedErrors))
            .ToList();
        var comparison = Compare(byArm.GetValueOrDefault(DeploymentArms.Stable) ?? [], byArm.GetValueOrDefault(candidateArm) ?? []);
        if (comparison is null)
        {
            notes.Add(deployment.Strategy == DeploymentStrategy.Shadow
                ? "No request was answered by both arms in the range yet."
                : "No request was answered by both arms: routing sends each request to one arm (only the shadow strategy mirrors requests), so the arms are compared by their own traffic only.");
        }

        return new DeploymentReport
        {
            Deployment = deployment.Name,
            Model = deployment.Model,
            Strategy = JsonNamingPolicy.SnakeCaseLower.ConvertName(deployment.Strategy.ToString()),
            State = JsonNamingPolicy.SnakeCaseLower.ConvertName(deployment.State.ToString()),
            StableVersion = deployment.StableVersion,
            CandidateVersion = deployment.CandidateVersion,
            CandidateArm = candidateArm,
            FromMs = fromMs,
            ToMs = toMs,
            GeneratedAtMs = nowMs,
            LoggedRequests = logged.Count,
            Truncated = truncated,
            Arms = reports,
            Comparison = comparison,
            Notes = notes,
        };
    }

    private static FeedbackRows Feedback(List<LoggedPrediction> logged)
    {
        var rows = new FeedbackRows();
        foreach (var l in logged)
        {
            rows.Add(l);
        }

        return rows;
    }

    private static ArmReport Arm(string arm, List<LoggedPrediction> logged, FeedbackRows feedback, Dictionary<string, int> codes, string? positive, ArmWindowSnapshot? window, IReadOnlyDictionary<string, long>? loggedErrors)
    {
        var latencies = logged.Select(l => (double)l.Record.LatencyMicroseconds).Order().ToArray();
        long? errors, windowRequests;
        if (loggedErrors is not null)
        {
            errors = loggedErrors.GetValueOrDefault(arm);
            windowRequests = logged.Count + errors; // answered + failed: every logged request of the arm
        }
        else
        {
            errors = window is null ? null : window.Requests.LongCount(r => r.Failed);
            windowRequests = window?.Requests.Count;
        }

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (feedback.Count > 0)
        {
            var m = new FeedbackMetric(feedback, codes, positive);
            foreach (var name in feedback.IsClassifier ? new[] { "accuracy", "precision", "recall", "f1", "auc" } : ["rmse", "mae"])
            {
                double v = m.Compute(name);
                if (!double.IsNaN(v))
                {
                    metrics[name] = v;
                }
            }
        }

        return new ArmReport
        {
            Arm = arm,
            Versions = logged.Select(l => l.Record.ModelVersion).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            Requests = logged.Count,
            Rows = logged.Sum(l => (long)l.Record.RowCount),
            LatencyP50Us = latencies.Length == 0 ? null : PredictionStatistics.Quantile(latencies, 0.50),
            LatencyP95Us = latencies.Length == 0 ? null : PredictionStatistics.Quantile(latencies, 0.95),
            LatencyP99Us = latencies.Length == 0 ? null : PredictionStatistics.Quantile(latencies, 0.99),
            Errors = errors,
            WindowRequests = windowRequests,
            ErrorRate = windowRequests is > 0 ? errors / (double)windowRequests : null,
            LabelledRows = feedback.Count,
            Metrics = metrics,
        };
    }

    /// <summary>The Wilson score interval of <paramref name="successes"/> out of <paramref name="total"/> at <paramref name="confidence"/>.</summary>
    public static (double Low, double High) Wilson(long successes, long total, double confidence = Confidence)
    {
        if (total == 0)
        {
            return (0, 1);
        }

        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1 - ((1 - confidence) / 2));
        double n = total, p = successes / n, z2 = z * z;
        double center = (p + (z2 / (2 * n))) / (1 + (z2 / n));
        double half = z / (1 + (z2 / n)) * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return (Math.Max(0, center - half), Math.Min(1, center + half));
    }

    private static string Q(double level) => "p" + (level * 100).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>All arms' labelled rows together, for class codes shared by every arm.</summary>
    private sealed class FeedbackRowsUnion
    {
        public FeedbackRowsUnion(IEnumerable<FeedbackRows> all)
        {
            foreach (var rows in all)
            {
                Rows.Classes.AddRange(rows.Classes);
            }
        }

        public FeedbackRows Rows { get; } = new();
    }

    private static long[] Histogram(double[] sorted, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        Binning.CountInto(sorted, edges, counts, BinningMode.OpenEnded);
        return counts;
    }
}
