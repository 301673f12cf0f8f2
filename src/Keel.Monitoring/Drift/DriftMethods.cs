using System.Diagnostics.CodeAnalysis;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Drift;

/// <summary>
/// The catalogue of drift methods by name. Keel's defaults are the sound variants (homogeneity
/// chi-square; PSI over open-ended bins with ε = 1e-4 smoothing); the specification's variants
/// stay available as <c>chisquare_spec</c>, <c>chisquare_gof</c> and <c>psi_spec</c> for comparison.
/// </summary>
public static class DriftMethods
{
    /// <summary>Default significance level of p-value methods.</summary>
    public const double DefaultAlpha = 0.05;

    /// <summary>Default threshold of the distances (PSI, Jensen-Shannon, Hellinger, normed Wasserstein, energy).</summary>
    public const double DefaultDistanceThreshold = 0.1;

    private static readonly DriftMethod[] Methods =
    [
        new("ks", DriftMethodKind.PValue, DefaultAlpha, "Two-sample Kolmogorov-Smirnov (scipy ks_2samp, auto exact/asymptotic)", Ks, null),
        new("cvm", DriftMethodKind.PValue, DefaultAlpha, "Two-sample Cramér-von Mises (exact for max(n) <= 20)", Cvm, null),
        new("anderson", DriftMethodKind.PValue, DefaultAlpha, "Anderson-Darling k-sample; p capped to [0.001, 0.25]", Anderson, null),
        new("mannwhitney", DriftMethodKind.PValue, DefaultAlpha, "Mann-Whitney U, two-sided, tie and continuity corrected", MannWhitneyTest, null),
        new("wasserstein", DriftMethodKind.Distance, DefaultDistanceThreshold, "Wasserstein-1 / max(std of reference, 0.001)", (a, b) => Distance(CdfDistances.WassersteinSorted(a, b, WassersteinNormalization.ReferenceStd)), null),
        new("wasserstein_range", DriftMethodKind.Distance, DefaultDistanceThreshold, "Wasserstein-1 / range of both samples (the specification's)", (a, b) => Distance(CdfDistances.WassersteinSorted(a, b, WassersteinNormalization.Range)), null),
        new("energy", DriftMethodKind.Distance, DefaultDistanceThreshold, "Energy distance (scipy energy_distance), in data units", (a, b) => Distance(CdfDistances.EnergySorted(a, b)), null),
        new("psi", DriftMethodKind.Distance, DefaultDistanceThreshold, "PSI over 10 reference bins with open-ended outer bins, zero shares -> 1e-4", (a, b) => NumericDivergence(a, b, BinningMode.OpenEnded, Psi), c => CategoryDivergence(c, Psi)),
        new("psi_spec", DriftMethodKind.Distance, DefaultDistanceThreshold, "PSI as specified: reference-range bins, out-of-range values dropped, empty bins skipped", (a, b) => NumericDivergence(a, b, BinningMode.ReferenceRange, PsiSpec), c => CategoryDivergence(c, PsiSpec)),
        new("jensenshannon", DriftMethodKind.Distance, DefaultDistanceThreshold, "Jensen-Shannon distance (base 2) over open-ended bins or categories", (a, b) => NumericDivergence(a, b, BinningMode.OpenEnded, Divergences.JensenShannon), c => CategoryDivergence(c, Divergences.JensenShannon)),
        new("hellinger", DriftMethodKind.Distance, DefaultDistanceThreshold, "Hellinger distance over open-ended bins or categories", (a, b) => NumericDivergence(a, b, BinningMode.OpenEnded, Divergences.Hellinger), c => CategoryDivergence(c, Divergences.Hellinger)),
        new("chisquare", DriftMethodKind.PValue, DefaultAlpha, "Chi-square homogeneity test on the 2xK table (scipy chi2_contingency, Yates for 2x2)", null, ChiSquareHomogeneity),
        new("chisquare_gof", DriftMethodKind.PValue, DefaultAlpha, "Chi-square goodness of fit to reference shares (Evidently's; anti-conservative)", null, ChiSquareGof),
        new("chisquare_spec", DriftMethodKind.PValue, DefaultAlpha, "chisquare(current counts, reference counts) as specified; needs equal sizes", null, ChiSquareSpec),
        new("z", DriftMethodKind.PValue, DefaultAlpha, "Pooled two-proportion z-test (binary columns)", null, TwoProportion, binaryOnly: true),
        new("fisher", DriftMethodKind.PValue, DefaultAlpha, "Fisher's exact test, two-sided (binary columns)", null, Fisher, binaryOnly: true),
    ];

    /// <summary>Every method.</summary>
    public static IReadOnlyList<DriftMethod> All => Methods;

    /// <summary>Finds a method by name (case-insensitive).</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out DriftMethod? method)
    {
        method = Methods.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        return method is not null;
    }

    /// <summary>Finds a method by name or throws <see cref="ArgumentException"/>.</summary>
    public static DriftMethod Get(string name) => TryGet(name, out var m) ? m : throw new ArgumentException($"Unknown drift method '{name}'.", nameof(name));

    private static MethodOutcome Distance(double d) => double.IsNaN(d) ? MethodOutcome.Inapplicable("distance undefined") : new MethodOutcome(d, null);

    private static MethodOutcome Ks(double[] a, double[] b)
    {
        var r = KolmogorovSmirnov.TwoSampleSorted(a, b);
        return new MethodOutcome(r.Statistic, r.PValue, Detail: r.MethodUsed == KsMethod.Exact ? "exact" : "asymptotic");
    }

    private static MethodOutcome Cvm(double[] a, double[] b)
    {
        if (a.Length < 2 || b.Length < 2)
        {
            return MethodOutcome.Inapplicable("Cramér-von Mises needs at least two values per sample");
        }

        var r = CramerVonMises.TwoSampleSorted(a, b);
        return new MethodOutcome(r.Statistic, r.PValue, Detail: r.Exact ? "exact" : "asymptotic");
    }

    private static MethodOutcome Anderson(double[] a, double[] b)
    {
        if (Samples.DistinctSortedUnion(a, b) < 2)
        {
            return MethodOutcome.Inapplicable("anderson_ksamp needs more than one distinct observation");
        }

        var r = AndersonDarling.TwoSampleSorted(a, b);
        return new MethodOutcome(r.Statistic, r.SignificanceLevel, Detail: r.Capped switch { 1 => "p capped at 0.25", -1 => "p floored at 0.001", _ => null });
    }

    private static MethodOutcome MannWhitneyTest(double[] a, double[] b)
    {
        var r = MannWhitney.TestSorted(a, b);
        return new MethodOutcome(r.U, r.PValue, Detail: r.Exact ? "exact" : "asymptotic");
    }

    private static double Psi(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Divergences.Psi(p, q, Divergences.DefaultPsiEpsilon);

    private static double PsiSpec(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Divergences.Psi(p, q, 0);

    private delegate double Divergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q);

    private static MethodOutcome NumericDivergence(double[] a, double[] b, BinningMode mode, Divergence f)
    {
        var bins = Binning.Count(a, b, mode);
        long refIn = Sum(bins.ReferenceCounts), curIn = Sum(bins.CurrentCounts);
        if (curIn == 0)
        {
            return MethodOutcome.Inapplicable("no current value falls inside the reference range (proportions are 0/0)");
        }

        double d = f(Divergences.Proportions(bins.ReferenceCounts, refIn), Divergences.Proportions(bins.CurrentCounts, curIn));
        string? detail = bins.CurrentOutside > 0 ? $"{bins.CurrentOutside} current values outside the reference range were dropped" : null;
        return double.IsNaN(d) ? MethodOutcome.Inapplicable("distance undefined") : new MethodOutcome(d, null, Detail: detail);
    }

    private static MethodOutcome CategoryDivergence(CategoryCounts c, Divergence f)
    {
        double d = f(Divergences.Proportions(c.ReferenceCounts), Divergences.Proportions(c.CurrentCounts));
        return double.IsNaN(d) ? MethodOutcome.Inapplicable("distance undefined") : new MethodOutcome(d, null);
    }

    private static MethodOutcome ChiSquareHomogeneity(CategoryCounts c)
    {
        var r = ChiSquare.Homogeneity(c.ReferenceCounts, c.CurrentCounts);
        return new MethodOutcome(r.Statistic, r.PValue, Detail: $"dof {r.Dof}");
    }

    private static MethodOutcome ChiSquareGof(CategoryCounts c)
    {
        var r = ChiSquare.GoodnessOfFit(c.ReferenceCounts, c.CurrentCounts);
        return double.IsNaN(r.PValue)
            ? MethodOutcome.Inapplicable("a single category leaves no degrees of freedom")
            : new MethodOutcome(r.Statistic, r.PValue, Detail: $"dof {r.Dof}");
    }

    private static MethodOutcome ChiSquareSpec(CategoryCounts c)
    {
        var r = ChiSquare.SpecAsWritten(c.ReferenceCounts, c.CurrentCounts, out var reason);
        if (r is null)
        {
            return MethodOutcome.Inapplicable(reason!);
        }

        return double.IsNaN(r.Value.PValue)
            ? MethodOutcome.Inapplicable("a single category leaves no degrees of freedom")
            : new MethodOutcome(r.Value.Statistic, r.Value.PValue, Detail: $"dof {r.Value.Dof}");
    }

    private static MethodOutcome TwoProportion(CategoryCounts c)
    {
        if (c.Categories.Length != 2)
        {
            return MethodOutcome.Inapplicable($"the z-test needs exactly two categories, found {c.Categories.Length}");
        }

        var r = ProportionTests.TwoProportionZ(c.ReferenceCounts[1], c.ReferenceTotal, c.CurrentCounts[1], c.CurrentTotal);
        return double.IsNaN(r.PValue) ? MethodOutcome.Inapplicable("undefined z (no variance)") : new MethodOutcome(r.Z, r.PValue, Detail: $"positive = {c.Categories[1]}");
    }

    private static MethodOutcome Fisher(CategoryCounts c)
    {
        if (c.Categories.Length != 2)
        {
            return MethodOutcome.Inapplicable($"Fisher's exact test needs exactly two categories, found {c.Categories.Length}");
        }

        long xr = c.ReferenceCounts[1], xc = c.CurrentCounts[1];
        var r = ProportionTests.FisherExact(xc, c.CurrentTotal - xc, xr, c.ReferenceTotal - xr);
        return new MethodOutcome(r.OddsRatio, r.PValue, Detail: $"positive = {c.Categories[1]}");
    }

    private static long Sum(long[] counts)
    {
        long s = 0;
        foreach (long x in counts)
        {
            s += x;
        }

        return s;
    }
}
