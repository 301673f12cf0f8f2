using Keel.Core.Data;
namespace Keel.Monitoring.Drift;

/// <summary>
/// The automatic choice of a drift method per column, after Evidently's default rule but with
/// Keel's sound chi-square (homogeneity on the 2×K table):
/// <list type="bullet">
/// <item>A numeric column with at most <see cref="FewDistinctValues"/> distinct values (both sides
/// together) is treated as categorical.</item>
/// <item>Reference of at most <see cref="SmallReference"/> non-missing values: numeric → <c>ks</c>;
/// categorical with more than two categories → <c>chisquare</c>; two or fewer → <c>z</c>.</item>
/// <item>Larger reference: numeric → <c>wasserstein</c> (normalised by the reference std, 0.1);
/// categorical → <c>jensenshannon</c> (0.1). With many rows every p-value test flags differences
/// too small to matter, so a distance with a fixed threshold is used instead.</item>
/// </list>
/// </summary>
public static class TestSelection
{
    /// <summary>Largest reference (non-missing values) that still gets a p-value test.</summary>
    public const long SmallReference = 1000;

    /// <summary>Numeric columns with at most this many distinct values are treated as categorical.</summary>
    public const int FewDistinctValues = 5;

    /// <summary>Chooses the method for a column.</summary>
    /// <param name="kind">Declared kind of the column.</param>
    /// <param name="referenceCount">Non-missing reference values.</param>
    /// <param name="distinctValues">Distinct non-missing values over both samples.</param>
    public static DriftMethod Choose(ColumnKind kind, long referenceCount, int distinctValues)
    {
        bool categorical = kind == ColumnKind.Categorical || distinctValues <= FewDistinctValues;
        if (referenceCount <= SmallReference)
        {
            return DriftMethods.Get(categorical ? (distinctValues > 2 ? "chisquare" : "z") : "ks");
        }

        return DriftMethods.Get(categorical ? "jensenshannon" : "wasserstein");
    }
}
