using Keel.Core.Errors;

namespace Keel.Core.Monitoring;

/// <summary>
/// Checks a <see cref="MonitorSpec"/> and fills its defaults. Every problem is collected and
/// reported together in one INVALID_PARAMETER_VALUE error, so a spec file is fixed in one pass.
/// The rules live here so the REST API, the CLI and the client meet the same ones.
/// </summary>
public static partial class MonitorSpecValidator
{
    /// <summary>Seconds between passes when the spec does not say.</summary>
    public const int DefaultIntervalSeconds = 300;

    /// <summary>The longest interval or window: one week.</summary>
    public const int MaxSeconds = 7 * 24 * 3600;

    /// <summary>Least rows for a drift verdict when the spec does not say.</summary>
    public const int DefaultMinRows = 100;

    /// <summary>At most this many rules, and this many notifiers, in a spec.</summary>
    public const int MaxRules = 100;

    /// <summary>The spec of a model monitored without a stored one: the defaults, no rules.</summary>
    public static MonitorSpec Default(string model) => Normalize(new MonitorSpec { Model = model });

    /// <summary>Checks <paramref name="spec"/> and returns it with defaults filled.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem.</exception>
    public static MonitorSpec Normalize(MonitorSpec? spec)
    {
        if (spec is null)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'spec'.");
        }

        var errors = new List<string>();
        string? model = null;
        try
        {
            model = MonitoringNames.Model(spec.Model);
        }
        catch (KeelException e)
        {
            errors.Add(e.Message);
        }

        var interval = Seconds(errors, spec.IntervalSeconds, "interval_seconds") ?? DefaultIntervalSeconds;
        var window = Seconds(errors, spec.WindowSeconds, "window_seconds") ?? interval;
        if (spec.EveryPredictions is < 1)
        {
            errors.Add("'every_predictions' must be at least 1 (or left out: on the schedule only).");
        }

        if (spec.MinRows is < 1 or > 10_000_000)
        {
            errors.Add("'min_rows' must be between 1 and 10000000.");
        }

        var rules = Rules(errors, spec.Rules ?? []);
        var notifiers = Notifiers(errors, spec.Notifiers ?? []);
        if (errors.Count > 0)
        {
            var prefix = model is null ? "Invalid monitor spec" : $"Invalid monitor spec for '{model}'";
            throw KeelException.InvalidParameter(errors.Count == 1 ? $"{prefix}: {errors[0]}" : $"{prefix} ({errors.Count} problems): {string.Join(" ", errors.Select((e, i) => $"({i + 1}) {e}"))}");
        }

        return new MonitorSpec
        {
            Model = model,
            Enabled = spec.Enabled ?? true,
            IntervalSeconds = interval,
            EveryPredictions = spec.EveryPredictions,
            WindowSeconds = window,
            MinRows = spec.MinRows ?? DefaultMinRows,
            Rules = rules,
            Notifiers = notifiers,
        };
    }

    private static int? Seconds(List<string> errors, int? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (value is < 1 or > MaxSeconds)
        {
            errors.Add($"'{field}' must be between 1 and {MaxSeconds} seconds.");
            return null;
        }

        return value;
    }

    /// <summary>Shows user text in a message: at most 64 characters.</summary>
    internal static string Shown(string? text) => text is null ? "" : text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
