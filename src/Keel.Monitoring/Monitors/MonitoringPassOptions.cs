using Keel.Core.Validation.Gates;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Monitors;

/// <summary>Options of <see cref="MonitoringPass"/>.</summary>
public sealed class MonitoringPassOptions
{
    /// <summary>
    /// How drift is judged (tests, thresholds, correction, dataset share). With many features a
    /// monitor tests many columns every window, so p-values are corrected by default.
    /// </summary>
    /// <value>The automatic test choice, Benjamini-Hochberg correction, dataset drift at half the columns.</value>
    public DriftOptions Drift { get; init; } = new() { Correction = MultipleTestingCorrection.BenjaminiHochberg };

    /// <summary>Data quality tolerances against the training profile.</summary>
    /// <value>Core's defaults (missing share +5 points, 1 % out of range, 1 % unseen categories).</value>
    public QualityOptions Quality { get; init; } = new();

    /// <summary>Pages of the prediction log parsed at once, each on its own core, while the next page is read.</summary>
    /// <value>The processor count, at most 4.</value>
    public int ParseWorkers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Records read from the prediction log per page (1 to <see cref="Core.Predictions.PredictionQuery.MaxPageSize"/>).</summary>
    /// <value><see cref="Core.Predictions.PredictionQuery.MaxPageSize"/>.</value>
    public int PageSize { get; init; } = Core.Predictions.PredictionQuery.MaxPageSize;

    /// <summary>
    /// Most rows drift and data quality look at: a window with more input (or prediction) rows is
    /// judged on a uniform sample of exactly this many (<see cref="RowSample"/>, seeded by the
    /// window, so a rerun draws the same rows); 0 uses every row. Request, error and latency counts
    /// and performance always use every request. Against a reference of <c>m</c> rows a two-sample
    /// test's power depends on <c>n·m/(n+m)</c>, so with the default and a 10,000-row reference a
    /// sample keeps 91 % of what a million rows would give (docs/monitoring.md, "Large windows").
    /// </summary>
    /// <value>100,000.</value>
    public int MaxDriftRows { get; init; } = DefaultMaxDriftRows;

    /// <summary>The default of <see cref="MaxDriftRows"/>.</summary>
    public const int DefaultMaxDriftRows = 100_000;

    /// <summary>Checks the options.</summary>
    /// <exception cref="Core.Errors.KeelException">INVALID_PARAMETER_VALUE naming the problem.</exception>
    public void Validate()
    {
        Drift.Validate();
        if (MaxDriftRows < 0)
        {
            throw Core.Errors.KeelException.InvalidParameter($"max drift rows must be 0 (every row) or positive, got {MaxDriftRows}.");
        }
    }
}
