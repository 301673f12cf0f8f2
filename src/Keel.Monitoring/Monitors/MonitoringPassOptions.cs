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
}
