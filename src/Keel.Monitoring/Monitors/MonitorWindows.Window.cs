using Keel.Core.Monitoring;
using Keel.Core.Validation.Gates;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Performance;

namespace Keel.Monitoring.Monitors;

// One series' window: traffic and latency always; drift and quality with enough rows.
public static partial class MonitorWindows
{
    /// <summary>The <see cref="FeatureDrift.Kind"/> of an input feature.</summary>
    public const string InputKind = "input";

    /// <summary>The <see cref="FeatureDrift.Kind"/> of a prediction column.</summary>
    public const string PredictionKind = "prediction";

    private static MonitorWindow Window(MonitorWindowRequest request, MonitorSeries series, IPerformanceEstimator? estimator, List<string> problems)
    {
        var latencies = series.LatencyQuantiles();
        var window = series.Builder?.Build();
        MonitoringPassResult? pass = null;
        var inputRows = window?.InputRows ?? 0;
        var predictionRows = window?.PredictionRows ?? 0;
        if (series.Version is { } version && window is not null && (inputRows >= request.MinRows || predictionRows >= request.MinRows))
        {
            // The window names its row sample (when above MaxDriftRows), so a rerun draws the same rows.
            pass = MonitoringPass.Run(version, window, request.Pass, SampleKey(request, series.Key));
        }

        // Fewer rows than min_rows: no verdict from that side (small windows raise false alarms).
        var inputDrift = inputRows >= request.MinRows ? pass?.InputDrift : null;
        var predictionDrift = predictionRows >= request.MinRows ? pass?.PredictionDrift : null;
        var quality = inputRows >= request.MinRows ? pass?.Quality : null;
        var features = new List<FeatureDrift>();
        AddFeatures(features, inputDrift, InputKind);
        AddFeatures(features, predictionDrift, PredictionKind);
        return new MonitorWindow
        {
            Model = request.Model,
            Version = series.Key.Version,
            Deployment = series.Key.Deployment,
            Arm = series.Key.Arm,
            StartMs = request.StartMs,
            EndMs = request.EndMs,
            ComputedAtMs = request.ComputedAtMs,
            Requests = series.Requests,
            // Answered requests only here: the server's runner adds the log's failed requests (docs/monitoring.md).
            Errors = 0,
            LatencyP50Us = latencies?.P50,
            LatencyP99Us = latencies?.P99,
            InputRows = inputRows,
            ReferenceSource = series.Version?.Reference?.Source,
            DriftedShare = inputDrift?.DriftedShare,
            DatasetDrift = inputDrift?.DatasetDrift,
            Features = features,
            Quality = quality is null ? null : Quality(quality),
            Performance = WindowPerformances.Compute(series, window, estimator, problems),
        };
    }

    private static void AddFeatures(List<FeatureDrift> features, DriftReport? report, string kind)
    {
        if (report is null)
        {
            return;
        }

        // Most severe first, as the engine sorts them; columns without a number (constant, not applicable) are left out.
        foreach (var column in report.Columns)
        {
            if (column.Status != ColumnStatus.Tested || column.Statistic is not { } score || !double.IsFinite(score) || column.Test is null)
            {
                continue;
            }

            var p = column.MethodKind == DriftMethodKind.PValue ? column.AdjustedPValue ?? column.PValue : null;
            features.Add(new FeatureDrift(column.Column, kind, column.Test, score, p is { } v && double.IsFinite(v) ? v : null, column.Threshold ?? 0, column.Drifted));
        }
    }

    private static WindowQuality Quality(QualityGateResult result)
    {
        double missing = 0, outOfRange = 0, unseen = 0;
        var failures = new List<string>();
        foreach (var check in result.Checks)
        {
            var value = check.Value is { } v && double.IsFinite(v) ? v : 0;
            switch (check.Kind)
            {
                case QualityCheckKind.MissingShare:
                    missing = Math.Max(missing, value);
                    break;
                case QualityCheckKind.OutOfRangeShare:
                    outOfRange = Math.Max(outOfRange, value);
                    break;
                case QualityCheckKind.UnseenCategoryShare:
                    unseen = Math.Max(unseen, value);
                    break;
            }

            if (check.Outcome == GateOutcome.Failed)
            {
                failures.Add(check.Column is null ? check.Reason : $"{check.Column}: {check.Reason}");
            }
        }

        return new WindowQuality(result.Passed, missing, outOfRange, unseen, failures);
    }
}
