namespace Keel.ML.Evaluation;

/// <summary>A confusion matrix: <c>Counts[actual][predicted]</c>, classes in label-encoding order.</summary>
/// <param name="Classes">The class names (binary: [negative, positive]).</param>
/// <param name="Counts">Row = actual class, column = predicted class.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Classes, long[][] Counts)
{
    /// <summary>Counts pairs of (truth, predicted) class indices.</summary>
    public static long[][] Count(int[] truth, int[] predicted, int classCount)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var counts = new long[classCount][];
        for (var c = 0; c < classCount; c++)
        {
            counts[c] = new long[classCount];
        }

        for (var i = 0; i < truth.Length; i++)
        {
            counts[truth[i]][predicted[i]]++;
        }

        return counts;
    }
}
