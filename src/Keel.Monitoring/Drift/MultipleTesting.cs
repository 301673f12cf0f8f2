namespace Keel.Monitoring.Drift;

/// <summary>Adjusted p-values for multiple-testing corrections.</summary>
public static class MultipleTesting
{
    /// <summary>Returns adjusted p-values in the input order.</summary>
    public static double[] Adjust(ReadOnlySpan<double> pValues, MultipleTestingCorrection correction)
    {
        int m = pValues.Length;
        var adjusted = pValues.ToArray();
        switch (correction)
        {
            case MultipleTestingCorrection.Bonferroni:
                for (int i = 0; i < m; i++)
                {
                    adjusted[i] = Math.Min(1.0, pValues[i] * m);
                }

                break;
            case MultipleTestingCorrection.BenjaminiHochberg:
                var order = new int[m];
                for (int i = 0; i < m; i++)
                {
                    order[i] = i;
                }

                var keys = pValues.ToArray();
                Array.Sort(keys, order);
                double running = 1.0;
                for (int rank = m; rank >= 1; rank--)
                {
                    int idx = order[rank - 1];
                    running = Math.Min(running, pValues[idx] * m / rank);
                    adjusted[idx] = Math.Min(1.0, running);
                }

                break;
        }

        return adjusted;
    }
}
