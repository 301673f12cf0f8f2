using Keel.Core.Errors;

namespace Keel.Core.Predictions;

/// <summary>
/// Which logged requests a <see cref="PredictionQuery"/> reads: answered ones, failed ones, or both.
/// Readers that compute from outputs or join feedback (drift, quality, performance, the label-free
/// estimate, deployment comparisons) use the default, <see cref="Exclude"/>.
/// </summary>
public enum PredictionErrorFilter
{
    /// <summary>Answered requests only (the default).</summary>
    Exclude = 0,

    /// <summary>Answered and failed requests, in log order.</summary>
    Include,

    /// <summary>Failed requests only.</summary>
    Only,
}

/// <summary>The wire names of <see cref="PredictionErrorFilter"/> (<c>exclude</c>, <c>include</c>, <c>only</c>).</summary>
public static class PredictionErrorFilters
{
    /// <summary>The names, as the REST API and the CLI take them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["exclude", "include", "only"];

    /// <summary>The filter named <paramref name="value"/> (case-insensitive); <paramref name="fallback"/> when null or empty.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for another name.</exception>
    public static PredictionErrorFilter Parse(string? value, PredictionErrorFilter fallback, string field = "errors")
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        return value.ToLowerInvariant() switch
        {
            "exclude" => PredictionErrorFilter.Exclude,
            "include" => PredictionErrorFilter.Include,
            "only" => PredictionErrorFilter.Only,
            _ => throw KeelException.InvalidParameter($"{field}: must be one of {string.Join(", ", Names)}, got '{Printable(value)}'."),
        };
    }

    /// <summary>The wire name of <paramref name="filter"/>.</summary>
    public static string Name(this PredictionErrorFilter filter) => filter switch
    {
        PredictionErrorFilter.Include => "include",
        PredictionErrorFilter.Only => "only",
        _ => "exclude",
    };

    private static string Printable(string value)
    {
        var shown = value.Length > 40 ? value[..40] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }
}

/// <summary>Failed requests of one series (version, deployment, arm) counted over a range of the log.</summary>
/// <param name="ModelName">The served model name.</param>
/// <param name="ModelVersion">The version that failed.</param>
/// <param name="Deployment">The deployment; null outside one.</param>
/// <param name="Arm">The arm; null outside a deployment.</param>
/// <param name="Errors">Failed requests logged.</param>
public sealed record PredictionErrorCount(string ModelName, string ModelVersion, string? Deployment, string? Arm, long Errors);
