namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// Isotonic regression of 0/1 outcomes on a score, as scikit-learn's
/// <c>IsotonicRegression(increasing=True, out_of_bounds='clip')</c>: the pool-adjacent-violators
/// fit over the distinct scores (tied scores pooled first), predictions interpolated linearly
/// between fitted points and clipped outside them.
/// </summary>
internal sealed class IsotonicCalibrator
{
    private readonly double[] _x, _y;

    private IsotonicCalibrator(double[] x, double[] y)
    {
        _x = x;
        _y = y;
    }

    /// <summary>Fits <paramref name="outcome"/> (0 or 1) on <paramref name="score"/>, over the rows in <paramref name="rows"/>.</summary>
    public static IsotonicCalibrator Fit(double[] score, double[] outcome, int[] rows)
    {
        var order = (int[])rows.Clone();
        Array.Sort(order, (a, b) => score[a].CompareTo(score[b]));
        // Distinct scores with their mean outcome and weight, then PAVA over the blocks.
        var x = new List<double>(order.Length);
        var sum = new List<double>(order.Length);
        var weight = new List<double>(order.Length);
        foreach (int i in order)
        {
            if (x.Count > 0 && x[^1] == score[i])
            {
                sum[^1] += outcome[i];
                weight[^1] += 1;
            }
            else
            {
                x.Add(score[i]);
                sum.Add(outcome[i]);
                weight.Add(1);
            }
        }

        int m = x.Count;
        var blockStart = new int[m];
        var blockSum = new double[m];
        var blockWeight = new double[m];
        int blocks = 0;
        for (int i = 0; i < m; i++)
        {
            blockStart[blocks] = i;
            blockSum[blocks] = sum[i];
            blockWeight[blocks] = weight[i];
            blocks++;
            while (blocks > 1 && blockSum[blocks - 2] / blockWeight[blocks - 2] >= blockSum[blocks - 1] / blockWeight[blocks - 1])
            {
                blockSum[blocks - 2] += blockSum[blocks - 1];
                blockWeight[blocks - 2] += blockWeight[blocks - 1];
                blocks--;
            }
        }

        var fitted = new double[m];
        for (int b = 0; b < blocks; b++)
        {
            int end = b + 1 < blocks ? blockStart[b + 1] : m;
            double v = blockSum[b] / blockWeight[b];
            for (int i = blockStart[b]; i < end; i++)
            {
                fitted[i] = v;
            }
        }

        return new IsotonicCalibrator([.. x], fitted);
    }

    /// <summary>The calibrated probability of <paramref name="score"/>.</summary>
    public double Predict(double score)
    {
        if (score <= _x[0])
        {
            return _y[0];
        }

        if (score >= _x[^1])
        {
            return _y[^1];
        }

        int hi = Array.BinarySearch(_x, score);
        if (hi >= 0)
        {
            return _y[hi];
        }

        hi = ~hi;
        int lo = hi - 1;
        return _y[lo] + (_y[hi] - _y[lo]) * (score - _x[lo]) / (_x[hi] - _x[lo]);
    }
}
