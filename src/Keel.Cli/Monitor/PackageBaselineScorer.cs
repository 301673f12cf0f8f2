using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.Monitoring.Reference;

namespace Keel.Cli.Monitor;

/// <summary>
/// Scores a labelled baseline with the version's model (Keel.ML's <see cref="ModelScorer"/>, the
/// engines serving uses), for <c>keel monitor baseline --data FILE --target COLUMN</c>.
/// </summary>
internal sealed class PackageBaselineScorer : IBaselineScorer
{
    public async Task<BaselineScores> ScoreAsync(string packageDirectory, DataTable inputs, DataTable data, string? target, string source, CancellationToken cancellationToken)
    {
        using var scorer = await ModelScorer.LoadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        var task = scorer.Task;
        if (task.Task == MLTask.Regression)
        {
            throw KeelException.InvalidParameter($"Cannot use '{source}' as a labelled baseline: the model is a regression model, and the label-free estimate is for classifiers (leave out --target).");
        }

        var truth = Labels(data, task, target, source);
        var rows = new IReadOnlyDictionary<string, JsonElement>[inputs.RowCount];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = new Dictionary<string, JsonElement>(inputs.Columns.Count, StringComparer.Ordinal);
            foreach (var column in inputs.Columns)
            {
                row[column.Name] = Value(column, r);
            }

            rows[r] = row;
        }

        var predictions = scorer.Score(rows, strictColumns: true, withProbabilities: true).Predictions;
        var predicted = new string?[predictions.Count];
        var probability = new double[predictions.Count];
        var classes = task.Classes;
        var first = task.Task == MLTask.Binary ? 1 : 0;
        var vectors = Enumerable.Range(first, classes.Count - first).Select(_ => new double[predictions.Count]).ToArray();
        for (var i = 0; i < predictions.Count; i++)
        {
            var p = predictions[i];
            predicted[i] = p.Label;
            probability[i] = p.Probability ?? double.NaN;
            for (var c = first; c < classes.Count; c++)
            {
                vectors[c - first][i] = p.Probabilities is { } all && c < all.Length ? all[c] : double.NaN;
            }
        }

        var labelled = new List<DataColumn> { DataColumn.Labels(Core.Models.ReferenceSampleFiles.LabelColumn, truth), DataColumn.Labels(Core.Models.ReferenceSampleFiles.PredictionColumn, predicted) };
        for (var c = first; c < classes.Count; c++)
        {
            labelled.Add(DataColumn.Numeric(Core.Models.ReferenceSampleFiles.ClassProbabilityPrefix + classes[c], vectors[c - first]));
        }

        return new BaselineScores(
            [DataColumn.Labels(Core.Models.ReferenceSampleFiles.PredictionColumn, predicted), DataColumn.Numeric(Core.Models.ReferenceSampleFiles.ProbabilityColumn, probability)],
            labelled);
    }

    /// <summary>
    /// The true class of every row: the <paramref name="target"/> column's text, or — not given —
    /// the model's target column (for a model trained with a label rule, the rule applied to its
    /// numeric column). Every label must be one of the model's classes; missing labels stay missing.
    /// </summary>
    private static string?[] Labels(DataTable data, TaskDescriptor task, string? target, string source)
    {
        var name = target ?? task.Target;
        var column = data[name] ?? throw KeelException.InvalidParameter(
            $"Cannot use '{source}' as a labelled baseline: it has no column '{name}' of true classes ({(target is null ? "the model's target; name another with --target" : "named by --target")}).");
        var labels = new string?[column.Length];
        if (target is null && task.Rule is { } rule)
        {
            for (var r = 0; r < labels.Length; r++)
            {
                labels[r] = column.Numbers is { } numbers && !double.IsNaN(numbers[r]) ? task.Classes[numbers[r] > rule.GreaterThan ? 1 : 0] : null;
            }

            return labels;
        }

        var known = new HashSet<string>(task.Classes, StringComparer.Ordinal);
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < labels.Length; r++)
        {
            var text = column.Texts?[r] ?? (column.Numbers is { } numbers && !double.IsNaN(numbers[r]) ? numbers[r].ToString("R", CultureInfo.InvariantCulture) : null);
            if (text is not null && !known.Contains(text))
            {
                unknown.Add(text);
            }

            labels[r] = text;
        }

        if (unknown.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"Cannot use '{source}' as a labelled baseline: column '{name}' holds {unknown.Count} value(s) that are not the model's classes ({string.Join(", ", task.Classes)}), e.g. '{unknown.First()}'.");
        }

        return labels;
    }

    private static JsonElement Value(DataColumn column, int row)
    {
        if (column.Numbers is { } numbers)
        {
            return JsonSerializer.SerializeToElement(double.IsNaN(numbers[row]) ? (double?)null : numbers[row]);
        }

        if (column.Times is { } times)
        {
            return JsonSerializer.SerializeToElement(times[row]?.ToString("O", CultureInfo.InvariantCulture));
        }

        return JsonSerializer.SerializeToElement(column.Texts![row]);
    }
}
