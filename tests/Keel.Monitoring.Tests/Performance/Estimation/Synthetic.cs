namespace Keel.Monitoring.Tests.Performance.Estimation;

/// <summary>Classifier outputs with known calibration: true class probabilities, labels drawn from them, and what the model reports.</summary>
internal static class Synthetic
{
    /// <summary>Rows of a <paramref name="classes"/>-class model whose true probabilities are a softmax of random logits (sharpness <paramref name="scale"/>).</summary>
    public static (double[][] Truth, string[] Labels) Draw(Random random, int rows, int classes, double scale = 2.5)
    {
        var truth = new double[rows][];
        var labels = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            var logits = Enumerable.Range(0, classes).Select(_ => scale * Normal(random)).ToArray();
            double max = logits.Max();
            var e = logits.Select(l => Math.Exp(l - max)).ToArray();
            double sum = e.Sum();
            truth[i] = e.Select(v => v / sum).ToArray();
            labels[i] = ClassName(Sample(truth[i], random.NextDouble()));
        }

        return (truth, labels);
    }

    /// <summary>An over-confident model: reports the truth's logits multiplied by <paramref name="temperature"/> &gt; 1.</summary>
    public static double[][] Sharpen(double[][] truth, double temperature) => truth.Select(p =>
    {
        var e = p.Select(v => Math.Pow(v, temperature)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }).ToArray();

    public static string ClassName(int c) => "c" + c;

    public static string[] Classes(int classes) => Enumerable.Range(0, classes).Select(ClassName).ToArray();

    /// <summary>The class with the highest reported probability.</summary>
    public static string[] Predicted(double[][] reported) => reported.Select(p => ClassName(Array.IndexOf(p, p.Max()))).ToArray();

    private static int Sample(double[] p, double u)
    {
        double cumulative = 0;
        for (int c = 0; c < p.Length - 1; c++)
        {
            cumulative += p[c];
            if (u < cumulative)
            {
                return c;
            }
        }

        return p.Length - 1;
    }

    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
