using System.Globalization;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;
using Keel.ML.Training;
using Microsoft.ML;

namespace Keel.ML.Packaging;

/// <summary>One scored row: the predicted class and its probability, or the predicted value.</summary>
/// <param name="Label">The predicted class name (classification), else null.</param>
/// <param name="Probability">Binary: P(positive class); multiclass: P(predicted class); regression: null.</param>
/// <param name="Value">The predicted value (regression), else null.</param>
public readonly record struct ModelPrediction(string? Label, double? Probability, double? Value);

/// <summary>
/// Loads a Keel model package and scores rows given as JSON objects (MLflow's
/// <c>dataframe_records</c>). Every row is checked against the signature first — names and
/// types, every problem listed. Thread-safe: each call builds its own view.
/// </summary>
public sealed class ModelScorer
{
    private const int MaxReported = 50;
    private readonly ITransformer _model;
    private readonly FeatureColumn[] _features;

    private ModelScorer(ModelMetadata metadata, TaskDescriptor task, ITransformer model)
    {
        Metadata = metadata;
        Task = task;
        _model = model;
        _features = metadata.Signature.Inputs.Select(c => new FeatureColumn(c.Name, KindOf(c.Type))).ToArray();
    }

    /// <summary>The package descriptor.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The task, target and classes.</summary>
    public TaskDescriptor Task { get; }

    /// <summary>Reads and validates the package in <paramref name="directory"/> and loads its model.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the package is invalid.</exception>
    public static async Task<ModelScorer> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var contents = await ModelPackage.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        var task = await TaskDescriptor.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        var context = new MLContext(seed: 0);
        var stream = new FileStream(contents.ModelZipPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        await using (stream.ConfigureAwait(false))
        {
            var model = context.Model.Load(stream, out _);
            return new ModelScorer(contents.Metadata, task, model);
        }
    }

    /// <summary>Scores rows given as a JSON array of objects (column name to value; null = missing).</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem with the rows.</exception>
    public IReadOnlyList<ModelPrediction> Score(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter("Expected a JSON array of row objects.");
        }

        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        foreach (var item in records.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw KeelException.InvalidParameter($"Row {rows.Count}: expected a JSON object.");
            }

            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in item.EnumerateObject())
            {
                row[property.Name] = property.Value;
            }

            rows.Add(row);
        }

        return Score(rows);
    }

    /// <summary>
    /// Scores rows given as column-name-to-JSON-value maps. Every input of the signature must be
    /// named in every row (JSON null = a missing value); unknown names and wrong JSON types are refused.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem with the rows.</exception>
    public IReadOnlyList<ModelPrediction> Score(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var problems = new List<string>();
        var values = new string?[_features.Length][];
        for (var c = 0; c < _features.Length; c++)
        {
            values[c] = new string?[rows.Count];
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            foreach (var name in row.Keys)
            {
                if (Array.FindIndex(_features, f => f.Name == name) < 0)
                {
                    problems.Add($"row {r}: {name}: not an input of this model");
                }
            }

            for (var c = 0; c < _features.Length; c++)
            {
                var feature = _features[c];
                if (!row.TryGetValue(feature.Name, out var value))
                {
                    problems.Add($"row {r}: {feature.Name}: missing (send null for a missing value)");
                    continue;
                }

                values[c][r] = Convert(value, feature.Kind, out var why);
                if (why is not null)
                {
                    problems.Add($"row {r}: {feature.Name}: {why}");
                }
            }
        }

        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(MaxReported)) + (problems.Count > MaxReported ? $"; and {problems.Count - MaxReported} more" : string.Empty);
            throw KeelException.InvalidParameter($"Input does not match the model signature: {shown}.");
        }

        var kinds = _features.ToDictionary(f => f.Name, f => f.Kind, StringComparer.Ordinal);
        var table = CsvDataLoader.Build(_features.Select(f => f.Name).ToArray(), values, kinds);
        var scored = PredictionReader.Read(_model.Transform(ViewBuilder.Build(table, _features, null, null)), Task.Task, withTruth: false);
        var result = new ModelPrediction[rows.Count];
        for (var r = 0; r < result.Length; r++)
        {
            result[r] = Task.Task switch
            {
                MLTask.Regression => new ModelPrediction(null, null, scored.PredictedValue[r]),
                MLTask.Binary => new ModelPrediction(Task.Classes[scored.PredictedClass[r]], scored.Probabilities[r][1], null),
                _ => new ModelPrediction(Task.Classes[scored.PredictedClass[r]], scored.Probabilities[r][scored.PredictedClass[r]], null),
            };
        }

        return result;
    }

    private static string? Convert(JsonElement value, ColumnKind kind, out string? why)
    {
        why = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (kind)
        {
            case ColumnKind.Numeric when value.ValueKind == JsonValueKind.Number:
                return value.GetDouble().ToString("R", CultureInfo.InvariantCulture);
            case ColumnKind.Numeric:
                why = $"expected a number (double), got {Describe(value)}";
                return null;
            case ColumnKind.DateTime when value.ValueKind == JsonValueKind.String && ValueParsing.TryTime(value.GetString(), out _):
                return value.GetString();
            case ColumnKind.DateTime:
                why = $"expected an ISO 8601 datetime string, got {Describe(value)}";
                return null;
            case ColumnKind.Categorical when value.ValueKind == JsonValueKind.String:
                return value.GetString();
            default:
                why = $"expected a string, got {Describe(value)}";
                return null;
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static ColumnKind KindOf(ColumnType type) => type switch
    {
        ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer => ColumnKind.Numeric,
        ColumnType.DateTime => ColumnKind.DateTime,
        _ => ColumnKind.Categorical,
    };
}
