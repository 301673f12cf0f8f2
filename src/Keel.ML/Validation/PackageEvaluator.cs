using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Training;
using Microsoft.ML;

namespace Keel.ML.Validation;

/// <summary>A packaged model's metrics on labelled data.</summary>
/// <param name="Metrics">The task's metrics under MLflow's names.</param>
/// <param name="Rows">Rows scored (those with a known target).</param>
/// <param name="SkippedRows">Rows left out: missing target, or a class the model does not know.</param>
public sealed record PackageEvaluation(IReadOnlyDictionary<string, double> Metrics, int Rows, int SkippedRows);

/// <summary>
/// Scores a model package on a labelled table the way training evaluated it (the same view,
/// label encoding and metric code), for <c>keel validate</c> and champion comparisons.
/// </summary>
public static class PackageEvaluator
{
    /// <summary>The column holding the truth: the label rule's source column, else the target.</summary>
    public static string TruthColumn(TaskDescriptor task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Rule?.Column ?? task.Target;
    }

    /// <summary>Scores <paramref name="table"/> with the package in <paramref name="packageDirectory"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the package is invalid, the table lacks an input or the truth column, or no row has a known target.</exception>
    public static async Task<PackageEvaluation> EvaluateAsync(string packageDirectory, TabularData table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var contents = await ModelPackage.ReadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        var task = await TaskDescriptor.ReadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        var features = FeatureColumn.FromSignature(contents.Metadata.Signature);
        var truth = TruthColumn(task);
        var missing = features.Select(f => f.Name).Append(truth).Where(n => table.Find(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter($"The data lacks column(s) the evaluation needs: {string.Join(", ", missing)}.");
        }

        if (task.Task == MLTask.Regression || task.Rule is not null)
        {
            if (table[truth].Kind != ColumnKind.Numeric)
            {
                throw KeelException.InvalidParameter($"The truth column '{truth}' must be numeric for this model.");
            }
        }

        var label = new LabelEncoding(task.Task, task.Classes, task.Rule);
        var classOf = label.ClassOf(table, truth);
        var kept = Enumerable.Range(0, table.RowCount)
            .Where(i => classOf[i] is not null && (task.Task == MLTask.Regression || task.Rule is not null || label.IndexOf(classOf[i]) >= 0))
            .ToArray();
        if (kept.Length == 0)
        {
            throw KeelException.InvalidParameter($"No row has a target the model knows in '{truth}' (classes: {string.Join(", ", task.Classes)}).");
        }

        var rows = kept.Length == table.RowCount ? table : table.Take(kept);
        var context = new MLContext(seed: 0);
        ITransformer model;
        var stream = new FileStream(contents.ModelZipPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        await using (stream.ConfigureAwait(false))
        {
            model = context.Model.Load(stream, out _);
        }

        var data = new TrainingData(rows, features, label, truth);
        var predictions = PredictionReader.Read(model.Transform(data.ToView()), task.Task);
        return new PackageEvaluation(MetricsCalculator.Compute(predictions, task.Classes), kept.Length, table.RowCount - kept.Length);
    }
}
