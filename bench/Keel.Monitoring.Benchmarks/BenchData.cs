using System.Globalization;
using System.Text;

namespace Keel.Monitoring.Benchmarks;

/// <summary>Deterministic benchmark data.</summary>
internal static class BenchData
{
    public static double[] Normal(int n, int seed, double shift = 0)
    {
        var random = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            x[i] = r * Math.Cos(2 * Math.PI * u2) + shift;
            if (i + 1 < n)
            {
                x[i + 1] = r * Math.Sin(2 * Math.PI * u2) + shift;
            }
        }

        return x;
    }

    public static string?[] Categories(int n, int levels, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, levels).Select(i => "level_" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var x = new string?[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = labels[Math.Min(levels - 1, (int)(levels * Math.Pow(random.NextDouble(), 1.5)))];
        }

        return x;
    }

    /// <summary>CSV text of a table with <paramref name="numeric"/> numeric and <paramref name="categorical"/> categorical columns.</summary>
    public static string Csv(int rows, int numeric, int categorical, int seed)
    {
        var cols = Enumerable.Range(0, numeric).Select(j => Normal(rows, seed + j)).ToArray();
        var cats = Enumerable.Range(0, categorical).Select(j => Categories(rows, 8 + j, seed + 1000 + j)).ToArray();
        var sb = new StringBuilder();
        sb.AppendJoin(',', Enumerable.Range(0, numeric).Select(j => "num" + j).Concat(Enumerable.Range(0, categorical).Select(j => "cat" + j))).Append('\n');
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < numeric; j++)
            {
                sb.Append(cols[j][i].ToString("G17", CultureInfo.InvariantCulture)).Append(',');
            }

            for (int j = 0; j < categorical; j++)
            {
                sb.Append(cats[j][i]).Append(j == categorical - 1 ? '\n' : ',');
            }
        }

        return sb.ToString();
    }
}
