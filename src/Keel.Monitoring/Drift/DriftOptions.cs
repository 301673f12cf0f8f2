namespace Keel.Monitoring.Drift;

/// <summary>Correction of per-column p-values for testing many columns at once.</summary>
public enum MultipleTestingCorrection
{
    /// <summary>Each column is judged at its own threshold (Evidently's behaviour).</summary>
    None,

    /// <summary>p × m, capped at 1: controls the family-wise error rate.</summary>
    Bonferroni,

    /// <summary>Benjamini-Hochberg step-up adjusted p-values: controls the false discovery rate.</summary>
    BenjaminiHochberg,
}

/// <summary>A per-column choice of test and threshold that overrides the automatic rule.</summary>
/// <param name="Test">A method name from <see cref="DriftMethods"/>, e.g. "ks" or "psi".</param>
/// <param name="Threshold">Its threshold; null keeps the method's default.</param>
public sealed record ColumnTestOverride(string Test, double? Threshold = null);

/// <summary>Options of <see cref="DriftAnalyzer"/>.</summary>
public sealed class DriftOptions
{
    /// <summary>Columns to compare; empty compares every column of either side.</summary>
    /// <value>Empty.</value>
    public IList<string> Columns { get; init; } = [];

    /// <summary>Per-column test and threshold, by column name.</summary>
    /// <value>Empty: the automatic rule (<see cref="TestSelection"/>) everywhere.</value>
    public IDictionary<string, ColumnTestOverride> Overrides { get; init; } = new Dictionary<string, ColumnTestOverride>(StringComparer.Ordinal);

    /// <summary>Correction applied to the p-values of all p-value tests in the report.</summary>
    /// <value><see cref="MultipleTestingCorrection.None"/>.</value>
    public MultipleTestingCorrection Correction { get; init; } = MultipleTestingCorrection.None;

    /// <summary>The dataset drifts when at least this share of compared columns drift.</summary>
    /// <value>0.5.</value>
    public double DriftShare { get; init; } = 0.5;

    /// <summary>Number of histogram bins drawn per numeric column in reports.</summary>
    /// <value>20.</value>
    public int ReportBins { get; init; } = 20;

    /// <summary>
    /// Columns compared at once, each on its own core; 1 compares them one after the other on the
    /// calling thread (a background monitoring pass that should not compete with serving).
    /// </summary>
    /// <value>-1: as many as there are cores.</value>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Checks the options; throws <see cref="Keel.Core.Errors.KeelException"/> listing every problem.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!(DriftShare > 0 && DriftShare <= 1))
        {
            errors.Add($"drift share must be in (0, 1], got {DriftShare}");
        }

        if (ReportBins < 1)
        {
            errors.Add($"report bins must be positive, got {ReportBins}");
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            errors.Add($"max degree of parallelism must be -1 (all cores) or positive, got {MaxDegreeOfParallelism}");
        }

        foreach (var (column, o) in Overrides)
        {
            if (!DriftMethods.TryGet(o.Test, out var method))
            {
                errors.Add($"unknown test '{o.Test}' for column '{column}' (known: {string.Join(", ", DriftMethods.All.Select(m => m.Name))})");
            }
            else if (o.Threshold is { } t && (!double.IsFinite(t) || t < 0 || (method.Kind == DriftMethodKind.PValue && t > 1)))
            {
                errors.Add($"threshold {t} for column '{column}' is out of range for {o.Test}");
            }
        }

        if (errors.Count > 0)
        {
            throw Keel.Core.Errors.KeelException.InvalidParameter("Invalid drift options: " + string.Join("; ", errors));
        }
    }
}
