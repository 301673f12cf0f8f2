using Keel.Monitoring.Monitors;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;
using Keel.Monitoring.Tests.Performance.Estimation;

namespace Keel.Monitoring.Tests.Monitors;

/// <summary>Above <see cref="WindowPerformances.MaxEstimateRows"/> the label-free estimate is made over a seeded uniform sample of the window's rows.</summary>
public sealed class EstimateRowCapTests
{
    private const int Rows = 200_000;
    private const int Cap = 20_000;

    [Fact]
    public void UpToTheCap_EveryUsableRowIsKept_AboveIt_AboutCapRows_TheSameOnesEachTime()
    {
        var (labels, probabilities) = Window(Rows);
        labels[3] = null;
        probabilities[5] = double.NaN;

        var all = WindowPerformances.BinaryRows(labels, probabilities, cap: Rows);
        Assert.Equal(Rows - 2, all.Vectors.Count);

        var sample = WindowPerformances.BinaryRows(labels, probabilities, cap: Cap);
        Assert.InRange(sample.Vectors.Count, Cap * 0.96, Cap * 1.04);
        var again = WindowPerformances.BinaryRows(labels, probabilities, cap: Cap);
        Assert.Equal(sample.Vectors.Select(v => v[1]), again.Vectors.Select(v => v[1]));
        Assert.Equal(sample.Predicted, again.Predicted);

        // Uniform over the window: its first and second halves give about half of the sample each.
        var firstHalf = WindowPerformances.BinaryRows(labels[..(Rows / 2)], probabilities[..(Rows / 2)], cap: Cap / 2);
        Assert.InRange(firstHalf.Vectors.Count, Cap / 2 * 0.94, Cap / 2 * 1.06);
    }

    [Theory]
    [InlineData("roc_auc")]
    [InlineData("accuracy")]
    [InlineData("f1_score")]
    public void TheEstimateOverTheSample_IsWithinItsStandardErrorOfTheWholeWindowsEstimate(string metric)
    {
        var (labels, probabilities) = Window(Rows);
        var random = new Random(11);
        var (reference, referenceLabels) = Synthetic.Draw(random, 5_000, 2);
        var estimator = new CbpeEstimator();

        PerformanceEstimate Estimate(int cap)
        {
            var (vectors, predicted) = WindowPerformances.BinaryRows(labels, probabilities, cap);
            var input = new PerformanceEstimateInput(metric, Synthetic.Classes(2), vectors, predicted) { ReferenceProbabilities = reference, ReferenceLabels = referenceLabels };
            return estimator.Estimate(input) ?? throw new InvalidOperationException("no estimate");
        }

        var whole = Estimate(Rows);
        var sampled = Estimate(Cap);
        Assert.InRange(sampled.Rows, Cap * 0.96, Cap * 1.04);
        Assert.True(sampled.StandardError > whole.StandardError, $"the sample's error {sampled.StandardError} should be wider than the window's {whole.StandardError}");
        Assert.True(Math.Abs(sampled.Value - whole.Value) < 3 * sampled.StandardError!.Value, $"{metric}: sample {sampled.Value} ± {sampled.StandardError}, window {whole.Value}");
    }

    /// <summary>A binary window: the model's P(c1) and its predicted class.</summary>
    private static (string?[] Labels, double[] Probabilities) Window(int rows)
    {
        var random = new Random(5);
        var labels = new string?[rows];
        var probabilities = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            probabilities[i] = Math.Clamp((0.5 + (0.25 * Synthetic.Normal(random))) + (i % 7 * 0.01), 0, 1);
            labels[i] = probabilities[i] >= 0.5 ? "c1" : "c0";
        }

        return (labels, probabilities);
    }
}
