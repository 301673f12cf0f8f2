namespace Keel.Monitoring.Drift;

/// <summary>Result of comparing a current dataset with a reference dataset.</summary>
public sealed record DriftReport
{
    /// <summary>Per-column verdicts, most severe first.</summary>
    public required IReadOnlyList<ColumnDriftResult> Columns { get; init; }

    /// <summary>Rows in the reference data.</summary>
    public required int ReferenceRows { get; init; }

    /// <summary>Rows in the current data.</summary>
    public required int CurrentRows { get; init; }

    /// <summary>Correction applied to p-values.</summary>
    public required MultipleTestingCorrection Correction { get; init; }

    /// <summary>Columns present on both sides (they form the denominator of the share).</summary>
    public required int ComparedColumns { get; init; }

    /// <summary>Columns that drifted.</summary>
    public required int DriftedColumns { get; init; }

    /// <summary>DriftedColumns / ComparedColumns (0 when nothing was compared).</summary>
    public required double DriftedShare { get; init; }

    /// <summary>The share at or above which the dataset drifts.</summary>
    public required double DriftShareThreshold { get; init; }

    /// <summary>The dataset-level verdict.</summary>
    public required bool DatasetDrift { get; init; }
}
