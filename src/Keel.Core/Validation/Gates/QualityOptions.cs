using Keel.Core.Errors;

namespace Keel.Core.Validation.Gates;

/// <summary>Tolerances of <see cref="QualityGate"/>; all shares are in [0, 1].</summary>
public sealed class QualityOptions
{
    /// <summary>How far a column's missing share may rise above training's (absolute).</summary>
    /// <value>0.05: training 2% missing allows up to 7%.</value>
    public double MissingShareTolerance { get; init; } = 0.05;

    /// <summary>The share of a numeric column's values allowed outside training's [min, max].</summary>
    /// <value>0.01.</value>
    public double OutOfRangeTolerance { get; init; } = 0.01;

    /// <summary>The share of a categorical column's values allowed in categories training never saw.</summary>
    /// <value>0.01.</value>
    public double UnseenCategoryTolerance { get; init; } = 0.01;

    /// <summary>The fewest rows the current data may have; fewer fails the <c>row_count</c> check.</summary>
    /// <value>1: empty data fails.</value>
    public long MinRows { get; init; } = 1;

    /// <summary>Throws one exception listing every out-of-range option.</summary>
    /// <exception cref="KeelException">A tolerance is outside [0, 1] or <see cref="MinRows"/> is negative.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        Share(problems, "missing_share_tolerance", MissingShareTolerance);
        Share(problems, "out_of_range_tolerance", OutOfRangeTolerance);
        Share(problems, "unseen_category_tolerance", UnseenCategoryTolerance);
        if (MinRows < 0)
        {
            problems.Add($"min_rows must not be negative, got {MinRows}.");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter("Invalid quality options: " + string.Join(" ", problems));
        }
    }

    private static void Share(List<string> problems, string name, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            problems.Add($"{name} must be between 0 and 1, got {Format.Number(value)}.");
        }
    }
}
