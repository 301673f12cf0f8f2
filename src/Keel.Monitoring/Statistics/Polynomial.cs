namespace Keel.Monitoring.Statistics;

/// <summary>Least-squares polynomial fitting (numpy <c>polyfit</c> for degree 2).</summary>
internal static class Polynomial
{
    /// <summary>
    /// Fits y ≈ c0·x² + c1·x + c2 by least squares with Householder QR on the column-scaled
    /// Vandermonde matrix (the conditioning numpy's polyfit gets from its column scaling and lstsq).
    /// </summary>
    public static double[] FitQuadratic(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int rows = x.Length;
        const int cols = 3;
        var a = new double[rows, cols];
        var rhs = y.ToArray();
        var scale = new double[cols];
        for (int i = 0; i < rows; i++)
        {
            a[i, 0] = x[i] * x[i];
            a[i, 1] = x[i];
            a[i, 2] = 1.0;
        }

        for (int c = 0; c < cols; c++)
        {
            double s = 0;
            for (int i = 0; i < rows; i++)
            {
                s += a[i, c] * a[i, c];
            }

            scale[c] = Math.Sqrt(s);
            for (int i = 0; i < rows; i++)
            {
                a[i, c] /= scale[c];
            }
        }

        for (int c = 0; c < cols; c++)
        {
            double norm = 0;
            for (int i = c; i < rows; i++)
            {
                norm += a[i, c] * a[i, c];
            }

            norm = Math.Sqrt(norm);
            double alpha = a[c, c] > 0 ? -norm : norm;
            var v = new double[rows];
            for (int i = c; i < rows; i++)
            {
                v[i] = a[i, c];
            }

            v[c] -= alpha;
            double vv = 0;
            for (int i = c; i < rows; i++)
            {
                vv += v[i] * v[i];
            }

            if (vv == 0)
            {
                continue;
            }

            for (int cc = c; cc < cols; cc++)
            {
                double dot = 0;
                for (int i = c; i < rows; i++)
                {
                    dot += v[i] * a[i, cc];
                }

                double f = 2 * dot / vv;
                for (int i = c; i < rows; i++)
                {
                    a[i, cc] -= f * v[i];
                }
            }

            double dy = 0;
            for (int i = c; i < rows; i++)
            {
                dy += v[i] * rhs[i];
            }

            double fy = 2 * dy / vv;
            for (int i = c; i < rows; i++)
            {
                rhs[i] -= fy * v[i];
            }
        }

        var coef = new double[cols];
        for (int c = cols - 1; c >= 0; c--)
        {
            double s = rhs[c];
            for (int cc = c + 1; cc < cols; cc++)
            {
                s -= a[c, cc] * coef[cc];
            }

            coef[c] = s / a[c, c];
        }

        for (int c = 0; c < cols; c++)
        {
            coef[c] /= scale[c];
        }

        return coef;
    }
}
