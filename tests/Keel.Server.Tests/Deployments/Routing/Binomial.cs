namespace Keel.Server.Tests.Deployments.Routing;

/// <summary>Exact binomial bounds, from the probability mass function summed in log space.</summary>
internal static class Binomial
{
    /// <summary>
    /// The central interval [lo, hi] of Binomial(<paramref name="n"/>, <paramref name="p"/>) holding
    /// at least <paramref name="confidence"/>: lo is the largest k with P(X &lt; k) ≤ α/2, hi the
    /// smallest k with P(X &gt; k) ≤ α/2.
    /// </summary>
    public static (int Lo, int Hi) Bounds(int n, double p, double confidence)
    {
        var tail = (1 - confidence) / 2;
        var pmf = new double[n + 1];
        for (var k = 0; k <= n; k++)
        {
            pmf[k] = Math.Exp(LogChoose(n, k) + (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p)));
        }

        var lo = 0;
        var below = 0.0;
        while (lo < n && below + pmf[lo] <= tail)
        {
            below += pmf[lo++];
        }

        var hi = n;
        var above = 0.0;
        while (hi > 0 && above + pmf[hi] <= tail)
        {
            above += pmf[hi--];
        }

        return (lo, hi);
    }

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        var sum = 0.0;
        for (var i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }
}
