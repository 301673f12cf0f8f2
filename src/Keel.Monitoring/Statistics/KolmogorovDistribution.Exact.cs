namespace Keel.Monitoring.Statistics;

/// <summary>The exact algorithms for P(D_n ≤ x): Durbin's matrix and Pomeranz's recursion.</summary>
public static partial class KolmogorovDistribution
{
    /// <summary>Durbin's matrix algorithm in the Marsaglia-Tsang-Wang form: P(D_n ≤ d).</summary>
    internal static double Durbin(long n, double d)
    {
        double nd = n * d;
        if (d >= 1.0)
        {
            return 1.0;
        }

        if (nd <= 0.5)
        {
            return 0.0;
        }

        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        var hm = new double[m, m];
        var v = new double[m];
        var w = new double[m];
        double fac = 1.0;
        for (int j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * fac;
        }

        double tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * fac;
        for (int i = 1; i < m; i++)
        {
            for (int r = i - 1; r < m; r++)
            {
                hm[r, i] = w[r - (i - 1)];
            }
        }

        for (int r = 0; r < m; r++)
        {
            hm[r, 0] = v[r];
        }

        for (int c = 0; c < m; c++)
        {
            hm[m - 1, c] = v[m - 1 - c];
        }

        var power = Identity(m);
        long nn = n;
        int expnt = 0, hExpnt = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                power = Multiply(power, hm);
                expnt += hExpnt;
            }

            hm = Multiply(hm, hm);
            hExpnt *= 2;
            if (Math.Abs(hm[k - 1, k - 1]) > Ep128)
            {
                Scale(hm, Em128);
                hExpnt += E128;
            }

            nn /= 2;
        }

        double p = power[k - 1, k - 1];
        for (long i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < Em128)
            {
                p *= Ep128;
                expnt -= E128;
            }
        }

        if (expnt != 0)
        {
            p = Math.ScaleB(p, expnt);
        }

        return Math.Clamp(p, 0.0, 1.0);
    }

    private static double[,] Identity(int m)
    {
        var r = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            r[i, i] = 1.0;
        }

        return r;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int m = a.GetLength(0);
        var r = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int k = 0; k < m; k++)
            {
                double aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (int j = 0; j < m; j++)
                {
                    r[i, j] += aik * b[k, j];
                }
            }
        }

        return r;
    }

    private static void Scale(double[,] a, double f)
    {
        int m = a.GetLength(0);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                a[i, j] *= f;
            }
        }
    }

    private static (long J1, long J2) PomeranzJ1J2(long i, long n, long ll, long ceilf, long roundf)
    {
        long j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        }
        else
        {
            long ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
            if (ip1mod2 == 0)
            {
                if (ip1div2 == n + 1)
                {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                }
                else
                {
                    j1 = ip1div2 - 1 - ll - roundf - 1;
                    j2 = ip1div2 + ll - 1 + ceilf - 1;
                }
            }
            else
            {
                j1 = ip1div2 - 1 - ll - 1;
                j2 = ip1div2 + ll + roundf - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>Pomeranz's recursion (1974): P(D_n ≤ x).</summary>
    internal static double Pomeranz(long n, double x)
    {
        double t = n * x;
        long ll = (long)Math.Floor(t);
        double f = t - ll;
        double g = Math.Min(f, 1.0 - f);
        long ceilf = f > 0 ? 1 : 0;
        long roundf = f > 0.5 ? 1 : 0;
        int npwrs = (int)(2 * (ll + 1));
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
        for (int m = 1; m < npwrs; m++)
        {
            gpower[m] = gpower[m - 1] * gOverN / m;
            twogpower[m] = twogpower[m - 1] * twoGOverN / m;
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        long v0s = 0, v1s = 0;
        int expnt = 0;
        var (j1, j2) = PomeranzJ1J2(0, n, ll, ceilf, roundf);
        var conv = new double[2 * npwrs];
        for (long i = 1; i < 2 * n + 2; i++)
        {
            long k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, j2) = PomeranzJ1J2(i, n, ll, ceilf, roundf);
            double[] pwrs = i == 1 || i == 2 * n + 1 ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
            long ln2 = j2 - k1 + 1;
            if (ln2 > 0)
            {
                int start = (int)(k1 - v0s);
                int lenV = (int)Math.Min(ln2, npwrs - start);
                int lenP = (int)Math.Min(ln2, npwrs);
                int convLenTotal = lenV + lenP - 1;
                Array.Clear(conv, 0, Math.Max(convLenTotal, 0));
                for (int a = 0; a < lenV; a++)
                {
                    double va = v0[start + a];
                    if (va == 0)
                    {
                        continue;
                    }

                    for (int b = 0; b < lenP; b++)
                    {
                        conv[a + b] += va * pwrs[b];
                    }
                }

                long convStart = j1 - k1;
                long convLen = j2 - j1 + 1;
                double max = 0;
                for (long q = 0; q < convLen; q++)
                {
                    long src = convStart + q;
                    double val = src >= 0 && src < convLenTotal ? conv[src] : 0.0;
                    v1[q] = val;
                    max = Math.Max(max, val);
                }

                if (max > 0 && max < Em128)
                {
                    for (int q = 0; q < npwrs; q++)
                    {
                        v1[q] *= Ep128;
                    }

                    expnt -= E128;
                }

                v1s = v0s + j1 - k1;
            }
        }

        double ans = v1[n - v1s];
        for (long m = 1; m <= n; m++)
        {
            if (Math.Abs(ans) > Ep128)
            {
                ans *= Em128;
                expnt += E128;
            }

            ans *= m;
        }

        if (expnt != 0)
        {
            ans = Math.ScaleB(ans, expnt);
        }

        return Math.Clamp(ans, 0.0, 1.0);
    }
}
