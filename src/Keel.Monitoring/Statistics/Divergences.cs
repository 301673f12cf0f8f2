namespace Keel.Monitoring.Statistics;

/// <summary>
/// Distances between two discrete distributions given as aligned proportions (bins or categories):
/// Population Stability Index, Jensen-Shannon distance and Hellinger distance.
/// </summary>
public static class Divergences
{
    /// <summary>Keel's default smoothing: zero proportions become 1e-4 before PSI (no renormalisation).</summary>
    public const double DefaultPsiEpsilon = 1e-4;

    /// <summary>counts / total; all NaN when total is 0 (no value to take proportions of).</summary>
    public static double[] Proportions(ReadOnlySpan<long> counts, double total)
    {
        var p = new double[counts.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = counts[i] / total;
        }

        return p;
    }

    /// <summary>counts / Σcounts.</summary>
    public static double[] Proportions(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (long c in counts)
        {
            total += c;
        }

        return Proportions(counts, total);
    }

    /// <summary>
    /// PSI = Σ (cur − ref)·ln(cur/ref). With <paramref name="epsilon"/> = 0 this is the specification's
    /// formula (bins where either proportion is 0 are skipped); with ε &gt; 0 every zero proportion is
    /// replaced by ε and all bins are summed. NaN when a distribution is undefined (0/0).
    /// </summary>
    public static double Psi(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, double epsilon = DefaultPsiEpsilon)
    {
        double psi = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double r = reference[i], c = current[i];
            if (double.IsNaN(r) || double.IsNaN(c))
            {
                return double.NaN;
            }

            if (epsilon > 0)
            {
                r = r == 0 ? epsilon : r;
                c = c == 0 ? epsilon : c;
            }
            else if (!(r > 0 && c > 0))
            {
                continue;
            }

            psi += (c - r) * Math.Log(c / r);
        }

        return psi;
    }

    /// <summary>
    /// Jensen-Shannon distance with base-2 logarithms, in [0, 1] (scipy
    /// <c>spatial.distance.jensenshannon(p, q, base=2)</c>, which renormalises both inputs).
    /// </summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sp = 0, sq = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sp += p[i];
            sq += q[i];
        }

        double left = 0, right = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / sp, qi = q[i] / sq;
            double m = (pi + qi) / 2.0;
            left += RelEntr(pi, m);
            right += RelEntr(qi, m);
        }

        double js = (left + right) / Math.Log(2);
        return Math.Sqrt(js / 2.0);
    }

    /// <summary>Hellinger distance √(Σ(√p − √q)²)/√2, in [0, 1].</summary>
    public static double Hellinger(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = Math.Sqrt(p[i]) - Math.Sqrt(q[i]);
            s += d * d;
        }

        return Math.Sqrt(s) / Math.Sqrt(2);
    }

    private static double RelEntr(double x, double y)
    {
        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.NaN;
        }

        if (x > 0 && y > 0)
        {
            return x * Math.Log(x / y);
        }

        return x == 0 && y >= 0 ? 0 : double.PositiveInfinity;
    }
}
