using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Packaging;

/// <summary>
/// The package's reference sample: a reservoir sample of the training split's rows, their model
/// inputs and the model's predictions on them, written as <see cref="ReferenceSampleFiles.Inputs"/>
/// and <see cref="ReferenceSampleFiles.Predictions"/> (read back by Keel.Monitoring's reference
/// source with the signature's kinds) and recorded in <c>keel-ml.json</c>.
/// </summary>
public static class ReferenceSample
{
    /// <summary>
    /// Rows drawn from <paramref name="population"/> rows by reservoir sampling (Vitter's algorithm R)
    /// with a generator seeded by <paramref name="seed"/>, in ascending order: the same seed and sizes
    /// give the same rows. All rows when there are at most <paramref name="size"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size or population.</exception>
    public static int[] Draw(int population, int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(population);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var kept = Math.Min(population, size);
        var reservoir = new int[kept];
        for (var i = 0; i < kept; i++)
        {
            reservoir[i] = i;
        }

        var random = new Random(seed);
        for (var i = kept; i < population; i++)
        {
            var j = random.Next(i + 1);
            if (j < kept)
            {
                reservoir[j] = i;
            }
        }

        Array.Sort(reservoir);
        return reservoir;
    }

    /// <summary>Samples <paramref name="training"/>, scores the sample and writes both files into <paramref name="packageDirectory"/>.</summary>
    /// <returns>What <c>keel-ml.json</c> records; null when <paramref name="size"/> is 0 or the split is empty.</returns>
    public static async Task<ReferenceSampleInfo?> WriteAsync(
        string packageDirectory, KeelMLContext context, TrainedModel model, TrainingData training, int size, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        var population = training.Table.RowCount;
        if (size <= 0 || population == 0)
        {
            return null;
        }

        var rows = Draw(population, size, seed);
        var sample = training.WithTable(training.Table.Take(rows));
        var predictions = context.Evaluation.Predict(model, sample);
        var inputs = model.Features.Select(f => Input(sample.Table[f.Name], f.Kind)).ToArray();
        Directory.CreateDirectory(Path.Combine(packageDirectory, "reference"));
        await WriteFileAsync(Path.Combine(packageDirectory, ReferenceSampleFiles.Inputs), inputs, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(Path.Combine(packageDirectory, ReferenceSampleFiles.Predictions), PredictionColumns(predictions, training.Label.Classes), cancellationToken).ConfigureAwait(false);
        return new ReferenceSampleInfo(rows.Length, population, seed);
    }

    /// <summary>
    /// Samples the held-out rows <paramref name="heldOut"/> (validation and test splits) of a
    /// classifier, scores them and writes <see cref="ReferenceSampleFiles.Labelled"/>: the true
    /// class, the prediction and the class probabilities (<see cref="LabelledColumns"/>). Rows the
    /// model did not train on, so the label-free estimate can check and fit calibration honestly.
    /// </summary>
    /// <returns>Rows written; 0 (no file) for regression, a size of 0 or no held-out row.</returns>
    public static async Task<int> WriteLabelledAsync(
        string packageDirectory, KeelMLContext context, TrainedModel model, TrainingData heldOut, int size, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(heldOut);
        var population = heldOut.Table.RowCount;
        if (size <= 0 || population == 0 || model.Task == MLTask.Regression)
        {
            return 0;
        }

        var rows = Draw(population, size, seed);
        var predictions = context.Evaluation.Predict(model, heldOut.WithTable(heldOut.Table.Take(rows)));
        Directory.CreateDirectory(Path.Combine(packageDirectory, "reference"));
        await WriteFileAsync(Path.Combine(packageDirectory, ReferenceSampleFiles.Labelled), LabelledColumns(predictions, heldOut.Label.Classes), cancellationToken).ConfigureAwait(false);
        return rows.Length;
    }

    /// <summary>
    /// The columns of a labelled reference: <c>label</c> (the true class), <c>prediction</c> (the
    /// predicted class) and <c>probability:CLASS</c> — binary: the positive (second) class's
    /// probability only, as serving logs it; multiclass: one column per class, in class order.
    /// </summary>
    public static IReadOnlyList<DataColumn> LabelledColumns(Predictions predictions, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(classes);
        if (predictions.Task == MLTask.Regression)
        {
            throw new ArgumentException("A labelled reference is for classifiers.", nameof(predictions));
        }

        var truth = new string?[predictions.Count];
        var predicted = new string?[predictions.Count];
        for (var i = 0; i < truth.Length; i++)
        {
            truth[i] = classes[predictions.TruthClass[i]];
            predicted[i] = classes[predictions.PredictedClass[i]];
        }

        var columns = new List<DataColumn> { DataColumn.Labels(ReferenceSampleFiles.LabelColumn, truth), DataColumn.Labels(ReferenceSampleFiles.PredictionColumn, predicted) };
        var first = predictions.Task == MLTask.Binary ? 1 : 0;
        for (var c = first; c < classes.Count; c++)
        {
            var probability = new double[predictions.Count];
            for (var i = 0; i < probability.Length; i++)
            {
                probability[i] = predictions.Probabilities[i][c];
            }

            columns.Add(DataColumn.Numeric(ReferenceSampleFiles.ClassProbabilityPrefix + classes[c], probability));
        }

        return columns;
    }

    /// <summary>
    /// The prediction columns as serving logs them: regression <c>prediction</c> (a number);
    /// classification <c>prediction</c> (the class name) and <c>probability</c> (binary: of the
    /// positive class; multiclass: of the predicted class).
    /// </summary>
    public static IReadOnlyList<DataColumn> PredictionColumns(Predictions predictions, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(classes);
        if (predictions.Task == MLTask.Regression)
        {
            return [DataColumn.Numeric(ReferenceSampleFiles.PredictionColumn, [.. predictions.PredictedValue])];
        }

        var labels = new string?[predictions.Count];
        var probability = new double[predictions.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            var predicted = predictions.PredictedClass[i];
            labels[i] = classes[predicted];
            var p = predictions.Probabilities[i];
            probability[i] = predictions.Task == MLTask.Binary ? p[1] : p[predicted];
        }

        return [DataColumn.Labels(ReferenceSampleFiles.PredictionColumn, labels), DataColumn.Numeric(ReferenceSampleFiles.ProbabilityColumn, probability)];
    }

    /// <summary>A feature column as the signature types it: numbers and times as parsed, labels as their cell text.</summary>
    private static DataColumn Input(DataColumn column, ColumnKind kind) =>
        kind == ColumnKind.Numeric || column.Texts is null ? column : DataColumn.Labels(column.Name, column.Texts, kind.IsLabels() ? kind : ColumnKind.Categorical);

    private static async Task WriteFileAsync(string path, IReadOnlyList<DataColumn> columns, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await TableWriter.WriteCsvAsync(stream, columns, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>What <c>keel-ml.json</c> records of the reference sample (<c>"reference"</c>).</summary>
/// <param name="Rows">Rows kept.</param>
/// <param name="PopulationRows">Rows of the training split it was drawn from.</param>
/// <param name="Seed">The seed of the draw (the split seed).</param>
public sealed record ReferenceSampleInfo(int Rows, int PopulationRows, int Seed)
{
    /// <summary>Rows of the labelled calibration reference (<see cref="ReferenceSampleFiles.Labelled"/>) drawn from the held-out splits; 0 when none was written.</summary>
    /// <value>0.</value>
    public int LabelledRows { get; init; }
}
