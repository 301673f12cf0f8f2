using Keel.Core.Errors;
using Keel.ML.Data;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Running;

// The modeller's options at run time: the separate test file, target transform domain, date parts, class weights.
public sealed partial class TrainingRunner
{
    /// <summary>Loads a data file (CSV or Parquet) with the training loaders.</summary>
    private static Task<TabularData> LoadAsync(string path, IReadOnlyDictionary<string, ColumnKind> types, CancellationToken cancellationToken) =>
        path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? ParquetDataLoader.LoadAsync(path, types, cancellationToken)
            : CsvDataLoader.LoadAsync(path, types, cancellationToken);

    /// <summary>
    /// Appends the test file's rows to the training file's, reading every column with the training
    /// file's kinds so both parse alike; the test file must have every column of the training file.
    /// </summary>
    private static async Task<TabularData> AppendTestFileAsync(TabularData table, string testPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(testPath))
        {
            throw KeelException.InvalidParameter($"data.test_path: '{testPath}' does not exist.");
        }

        var kinds = table.Columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        var test = await LoadAsync(testPath, kinds, cancellationToken).ConfigureAwait(false);
        var missing = table.Columns.Where(c => test.Find(c.Name) is null).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter($"data.test_path: '{testPath}' lacks column(s) of the training file: {string.Join(", ", missing)}.");
        }

        if (test.RowCount == 0)
        {
            throw KeelException.InvalidParameter($"data.test_path: '{testPath}' has no rows.");
        }

        var names = table.Columns.Select(c => c.Name).ToArray();
        var values = new string?[names.Length][];
        for (var c = 0; c < names.Length; c++)
        {
            values[c] = [.. table.Columns[c].Values, .. test[names[c]].Values];
        }

        return CsvDataLoader.Build(names, values, kinds);
    }

    /// <summary>Checks the modelling options against the data: target transform domain, date part columns, class weight names.</summary>
    private static void CheckModelling(PipelineDefinition pipeline, TabularData rows, LabelEncoding label, IReadOnlyList<FeatureColumn> features)
    {
        var data = pipeline.Data;
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var derived in data.Derived)
        {
            if (rows.Find(derived.Name) is not null || !names.Add(derived.Name))
            {
                problems.Add($"data.derived.{derived.Name}: the name is already a column; pick a new one");
            }

            foreach (var source in derived.Sources)
            {
                var input = features.FirstOrDefault(f => f.Name == source);
                if (input is null)
                {
                    problems.Add($"data.derived.{derived.Name}: '{source}' is not an input column (inputs: {string.Join(", ", features.Select(f => f.Name))})");
                }
                else if (input.Kind != ColumnKind.Numeric)
                {
                    problems.Add($"data.derived.{derived.Name}: '{source}' holds {input.Kind.ToString().ToLowerInvariant()} values; expected numeric");
                }
            }
        }

        if (data.TargetTransform != TargetTransform.None && rows.Find(data.Target)?.Numbers is { } targets)
        {
            var outside = targets.Count(y => !double.IsNaN(y) && !TargetTransforms.InDomain(data.TargetTransform, y));
            if (outside > 0)
            {
                problems.Add($"data.target_transform: {TargetTransforms.Name(data.TargetTransform)} needs every '{data.Target}' value {TargetTransforms.Domain(data.TargetTransform)}; {outside} row(s) are not");
            }
        }

        foreach (var column in data.DateParts.Keys)
        {
            if (rows.Find(column) is not { } found)
            {
                problems.Add($"data.date_parts: column '{column}' is not in the data");
            }
            else if (found.Kind != ColumnKind.DateTime)
            {
                problems.Add($"data.date_parts: '{column}' holds {found.Kind.ToString().ToLowerInvariant()} values; expected datetime");
            }
        }

        if (pipeline.Trainer.ClassWeights is { Balanced: false } weights)
        {
            foreach (var name in weights.Weights.Keys.Where(n => label.IndexOf(n) < 0))
            {
                problems.Add($"trainer.class_weights: '{name}' is not a class of '{data.Target}' ({string.Join(", ", label.Classes)})");
            }
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter($"The data does not fit the pipeline: {string.Join("; ", problems)}.");
        }
    }

    /// <summary>
    /// Each class's example weight from the training rows: <c>balanced</c> is n / (k × n_c) over the
    /// classes present (scikit-learn's <c>compute_class_weight('balanced')</c>); explicit weights
    /// default to 1 for classes not named. Null without class weights.
    /// </summary>
    internal static double[]? ResolveClassWeights(ClassWeights? weights, LabelEncoding label, TabularData train, string target)
    {
        if (weights is null)
        {
            return null;
        }

        var result = new double[label.Classes.Count];
        if (!weights.Balanced)
        {
            for (var c = 0; c < result.Length; c++)
            {
                result[c] = weights.Weights.GetValueOrDefault(label.Classes[c], 1.0);
            }

            return result;
        }

        var counts = new int[result.Length];
        foreach (var name in label.ClassOf(train, target))
        {
            if (label.IndexOf(name) is var index and >= 0)
            {
                counts[index]++;
            }
        }

        var present = counts.Count(n => n > 0);
        var total = counts.Sum();
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = counts[c] == 0 ? 1.0 : (double)total / (present * counts[c]);
        }

        return result;
    }
}
