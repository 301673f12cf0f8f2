using Keel.Core.Errors;

namespace Keel.Core.Monitoring;

/// <summary>
/// What a monitoring summary or report covers: one registered model over the last
/// <see cref="Days"/> days. Checked here so the REST API and the CLI on a local store meet the same rules.
/// </summary>
/// <param name="Model">The registered model.</param>
/// <param name="Days">Days back from now, 1 to <see cref="MaxDays"/>.</param>
public sealed record MonitoringSummaryQuery(string Model, int Days)
{
    /// <summary>Days covered when the request does not say.</summary>
    public const int DefaultDays = 7;

    /// <summary>The longest period: 90 days.</summary>
    public const int MaxDays = 90;

    /// <summary>The checked query.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad model name or day count.</exception>
    public static MonitoringSummaryQuery Of(string? model, long? days)
    {
        var name = MonitoringNames.Model(model);
        var d = days ?? DefaultDays;
        if (d is < 1 or > MaxDays)
        {
            throw KeelException.InvalidParameter($"'days' must be between 1 and {MaxDays}, got {d}.");
        }

        return new MonitoringSummaryQuery(name, (int)d);
    }

    /// <summary>Start of the period, Unix ms, for a period ending at <paramref name="nowMs"/>.</summary>
    public long FromMs(long nowMs) => nowMs - Days * 86_400_000L;
}
