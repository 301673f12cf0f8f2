using Keel.Core.Errors;

namespace Keel.Monitoring.Monitors;

/// <summary>Which window of a model's prediction log <see cref="MonitorWindows.ComputeAsync"/> computes, and how.</summary>
/// <param name="Model">The registered model (as the prediction log names it).</param>
/// <param name="StartMs">Start of the window, inclusive, Unix ms.</param>
/// <param name="EndMs">End of the window, exclusive, Unix ms.</param>
/// <param name="MinRows">
/// Least input rows for a drift and data-quality verdict. A series with fewer gets traffic,
/// latency and performance only: small windows against a large reference raise false alarms
/// (docs/monitoring.md, known limits).
/// </param>
/// <param name="ComputedAtMs">When the windows are computed, Unix ms (their <c>computed_at_ms</c>).</param>
public sealed record MonitorWindowRequest(string Model, long StartMs, long EndMs, int MinRows, long ComputedAtMs)
{
    /// <summary>How drift and data quality are judged.</summary>
    /// <value>The monitoring pass's defaults (automatic tests, Benjamini-Hochberg, Core's quality tolerances).</value>
    public MonitoringPassOptions Pass { get; init; } = new();

    /// <summary>
    /// Series that get a window even when nothing was logged for them in it (0 requests), so that a
    /// no-traffic rule sees the silence; series with requests get their window anyway.
    /// </summary>
    /// <value>Empty.</value>
    public IReadOnlyCollection<MonitorSeriesKey> Silent { get; init; } = [];

    /// <summary>Checks the request.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming every problem.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Model))
        {
            problems.Add("model: is required");
        }

        if (EndMs <= StartMs)
        {
            problems.Add($"the window must end after it starts (start {StartMs}, end {EndMs})");
        }

        if (MinRows < 1)
        {
            problems.Add($"min_rows: must be at least 1, got {MinRows}");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter(string.Join("; ", problems) + ".");
        }
    }
}
