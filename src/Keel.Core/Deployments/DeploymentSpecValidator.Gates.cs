using System.Globalization;

namespace Keel.Core.Deployments;

// The analysis thresholds: typed and range-checked now, evaluated by the analysis controller.
public static partial class DeploymentSpecValidator
{
    /// <summary>Labelled requests each arm needs by default before the feedback gate judges.</summary>
    public const long DefaultFeedbackMinCount = 200;

    /// <summary>Requests each arm needs by default before a gate judges.</summary>
    public const long DefaultMinRequests = 100;

    /// <summary>The latency gate's default noise floor: a p99 within 0.1 ms of the stable version's never fails.</summary>
    public const double DefaultLatencyMinIncreaseMs = 0.1;

    /// <summary>The latency gate's default significance level.</summary>
    public const double DefaultLatencyAlpha = 0.05;

    /// <summary>The default smallest effect (KS D or Cramér's V) that fails a ks or chi_square distribution gate.</summary>
    public const double DefaultMinEffect = 0.1;

    /// <summary>The latency gate's default number of answered requests beyond the p99 per arm (1,000 answered requests).</summary>
    public const long DefaultLatencyMinTailSamples = 10;

    /// <summary>The largest <c>min_tail_samples</c>: 8,000 answered requests, within the window's default 8,192 per arm.</summary>
    public const long MaxLatencyMinTailSamples = 80;

    private static DeploymentGates Gates(List<string> errors, DeploymentGates? gates)
    {
        gates ??= new DeploymentGates();
        if (gates.ErrorRate is { } errorRate)
        {
            Range(errors, errorRate.MaxIncrease, "gates.error_rate.max_increase", 0, 1, required: true);
        }

        LatencyGate? latencyP99 = null;
        if (gates.LatencyP99 is { } latency)
        {
            Range(errors, latency.MaxRatio, "gates.latency_p99.max_ratio", 1, 1000, required: true);
            Range(errors, latency.MinIncreaseMs, "gates.latency_p99.min_increase_ms", 0, 60_000, required: false);
            Range(errors, latency.Alpha, "gates.latency_p99.alpha", double.Epsilon, 0.5, required: false);
            if (latency.MinTailSamples is < 1 or > MaxLatencyMinTailSamples)
            {
                errors.Add($"Invalid 'gates.latency_p99.min_tail_samples' {latency.MinTailSamples}: at least 1 and at most {MaxLatencyMinTailSamples}.");
            }

            latencyP99 = latency with
            {
                MinIncreaseMs = latency.MinIncreaseMs ?? DefaultLatencyMinIncreaseMs,
                Alpha = latency.Alpha ?? DefaultLatencyAlpha,
                MinTailSamples = latency.MinTailSamples ?? DefaultLatencyMinTailSamples,
            };
        }

        var shift = Distribution(errors, gates.PredictionShift, "gates.prediction_shift", ["psi", "ks", "chi_square"]);
        var drift = Distribution(errors, gates.InputDrift, "gates.input_drift", ["psi", "ks"]);
        FeedbackGate? feedback = null;
        if (gates.Feedback is { } f)
        {
            if (f.Metric is null || !FeedbackGate.Metrics.Contains(f.Metric))
            {
                errors.Add($"Invalid 'gates.feedback.metric' '{Shown(f.Metric ?? "null")}': use one of {string.Join(", ", FeedbackGate.Metrics)}.");
            }

            if (f.MinCount is < 1)
            {
                errors.Add($"Invalid 'gates.feedback.min_count' {f.MinCount}: at least 1.");
            }

            Range(errors, f.Alpha, "gates.feedback.alpha", double.Epsilon, 0.5, required: false);
            Range(errors, f.MaxDrop, "gates.feedback.max_drop", 0, double.MaxValue, required: false);
            feedback = f with { MinCount = f.MinCount ?? DefaultFeedbackMinCount, Alpha = f.Alpha ?? 0.05, MaxDrop = f.MaxDrop ?? 0 };
        }

        if (gates.MinRequests is < 1)
        {
            errors.Add($"Invalid 'gates.min_requests' {gates.MinRequests}: at least 1.");
        }

        return gates with
        {
            LatencyP99 = latencyP99,
            PredictionShift = shift,
            InputDrift = drift,
            Feedback = feedback,
            MinRequests = gates.MinRequests ?? DefaultMinRequests,
        };
    }

    private static DistributionGate? Distribution(List<string> errors, DistributionGate? gate, string at, string[] methods)
    {
        if (gate is null)
        {
            return null;
        }

        var method = gate.Method ?? "psi";
        if (!methods.Contains(method))
        {
            errors.Add($"Invalid '{at}.method' '{Shown(method)}': use one of {string.Join(", ", methods)}.");
            return gate;
        }

        if (method == "psi")
        {
            Range(errors, gate.Max, at + ".max", double.Epsilon, 100, required: true);
            if (gate.Alpha is not null)
            {
                errors.Add($"'{at}.alpha' is for the ks and chi_square tests; PSI takes 'max'.");
            }
        }
        else
        {
            Range(errors, gate.Alpha, at + ".alpha", double.Epsilon, 0.5, required: true);
            Range(errors, gate.MinEffect, at + ".min_effect", 0, 1, required: false);
            if (gate.Max is not null)
            {
                errors.Add($"'{at}.max' is for PSI; the {method} test takes 'alpha'.");
            }

            return gate with { Method = method, MinEffect = gate.MinEffect ?? DefaultMinEffect };
        }

        if (gate.MinEffect is not null)
        {
            errors.Add($"'{at}.min_effect' is for the ks and chi_square tests; PSI is an effect size itself ('max').");
        }

        return gate with { Method = method };
    }

    private static void Range(List<string> errors, double? value, string field, double min, double max, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add($"Missing value for '{field}'.");
            }

            return;
        }

        var v = value.Value;
        if (double.IsNaN(v) || v < min || v > max)
        {
            var upper = max == double.MaxValue ? string.Empty : $" and at most {max.ToString(CultureInfo.InvariantCulture)}";
            var lower = min == double.Epsilon ? "above 0" : $"at least {min.ToString(CultureInfo.InvariantCulture)}";
            errors.Add($"Invalid '{field}' {v.ToString(CultureInfo.InvariantCulture)}: {lower}{upper}.");
        }
    }
}
