namespace Keel.Monitoring.Statistics;

/// <summary>A chi-square statistic with its p-value and degrees of freedom.</summary>
/// <param name="Statistic">χ².</param>
/// <param name="PValue">p-value (NaN when dof is 0 for goodness-of-fit, as scipy).</param>
/// <param name="Dof">Degrees of freedom.</param>
public readonly record struct ChiSquareResult(double Statistic, double PValue, int Dof);

/// <summary>Chi-square tests comparing current category counts with reference counts.</summary>
public static class ChiSquare
{
    /// <summary>
    /// Keel's default: the homogeneity test on the 2×K table [reference; current]
    /// (<c>scipy.stats.chi2_contingency</c>). Yates' correction applies only when dof = 1 and
    /// <paramref name="yates"/> is true (scipy's default). dof = 0 gives χ² = 0, p = 1.
    /// </summary>
    public static ChiSquareResult Homogeneity(ReadOnlySpan<long> reference, ReadOnlySpan<long> current, bool yates = true)
    {
        int k = reference.Length;
        double rowRef = 0, rowCur = 0;
        for (int i = 0; i < k; i++)
        {
            rowRef += reference[i];
            rowCur += current[i];
        }

        double total = rowRef + rowCur;
        int dof = k - 1;
        if (dof == 0)
        {
            return new ChiSquareResult(0.0, 1.0, 0);
        }

        double stat = 0;
        for (int i = 0; i < k; i++)
        {
            double col = reference[i] + current[i];
            stat += Term(reference[i], rowRef * col / total, dof, yates);
            stat += Term(current[i], rowCur * col / total, dof, yates);
        }

        return new ChiSquareResult(stat, SpecialFunctions.ChiSquareSf(stat, dof), dof);
    }

    private static double Term(double observed, double expected, int dof, bool yates)
    {
        if (yates && dof == 1)
        {
            double diff = expected - observed;
            observed += Math.Sign(diff) * Math.Min(0.5, Math.Abs(diff));
        }

        double d = observed - expected;
        return d * d / expected;
    }

    /// <summary>
    /// Goodness-of-fit of current counts to expected counts (reference proportions × n_current),
    /// Evidently's "chisquare". It treats reference proportions as exact and is anti-conservative
    /// (documented false-alarm rates); kept by name for comparison. A category new in current gives ∞, p = 0.
    /// </summary>
    /// <param name="reference">Reference counts.</param>
    /// <param name="current">Current counts.</param>
    /// <param name="epsilon">When &gt; 0, zero reference proportions become ε and proportions are renormalised.</param>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<long> reference, ReadOnlySpan<long> current, double epsilon = 0)
    {
        int k = reference.Length;
        double nRef = 0, nCur = 0;
        for (int i = 0; i < k; i++)
        {
            nRef += reference[i];
            nCur += current[i];
        }

        var props = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++)
        {
            props[i] = reference[i] / nRef;
            if (epsilon > 0 && props[i] == 0)
            {
                props[i] = epsilon;
            }

            sum += props[i];
        }

        var expected = new double[k];
        for (int i = 0; i < k; i++)
        {
            expected[i] = (epsilon > 0 ? props[i] / sum : props[i]) * nCur;
        }

        return Pearson(current, expected);
    }

    /// <summary>
    /// The specification's test as written: <c>chisquare(f_obs=current counts, f_exp=reference counts)</c>.
    /// scipy refuses it unless both sums agree to 1e-8, which fails whenever the samples differ in size.
    /// </summary>
    /// <returns>null with <paramref name="notApplicable"/> set when the sums differ.</returns>
    public static ChiSquareResult? SpecAsWritten(ReadOnlySpan<long> reference, ReadOnlySpan<long> current, out string? notApplicable)
    {
        double sRef = 0, sCur = 0;
        var expected = new double[reference.Length];
        for (int i = 0; i < reference.Length; i++)
        {
            sRef += reference[i];
            sCur += current[i];
            expected[i] = reference[i];
        }

        double rel = Math.Abs(sCur - sRef) / Math.Min(sCur, sRef);
        if (rel > 1e-8)
        {
            notApplicable = $"observed and expected totals differ ({sCur} vs {sRef}); the test needs equal sample sizes";
            return null;
        }

        notApplicable = null;
        return Pearson(current, expected);
    }

    private static ChiSquareResult Pearson(ReadOnlySpan<long> observed, double[] expected)
    {
        double stat = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double d = observed[i] - expected[i];
            stat += expected[i] == 0 ? (d == 0 ? double.NaN : double.PositiveInfinity) : d * d / expected[i];
        }

        int dof = observed.Length - 1;
        return new ChiSquareResult(stat, SpecialFunctions.ChiSquareSf(stat, dof), dof);
    }
}
