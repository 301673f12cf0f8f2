using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Pipeline;
using Keel.ML.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Packaging;

/// <summary>One scored row: the predicted class and its probability, or the predicted value.</summary>
/// <param name="Label">The predicted class name (classification), else null.</param>
/// <param name="Probability">Binary: P(positive class); multiclass: P(predicted class); regression: null.</param>
/// <param name="Value">The predicted value (regression), else null.</param>
/// <param name="Probabilities">
/// Every class's probability, in <see cref="TaskDescriptor.Classes"/> order, when asked for
/// (classification only; binary: [1 − p, p]); else null.
/// </param>
public readonly record struct ModelPrediction(string? Label, double? Probability, double? Value, double[]? Probabilities = null);

/// <summary>Predictions, one per row, and the columns that were left out because the signature does not have them (sorted).</summary>
/// <param name="Predictions">One prediction per row, in order.</param>
/// <param name="IgnoredColumns">Names given that are not inputs of the model; empty when none.</param>
public sealed record ScoredRows(IReadOnlyList<ModelPrediction> Predictions, IReadOnlyList<string> IgnoredColumns);

/// <summary>
/// Loads a Keel model package and scores rows given as JSON objects (MLflow's
/// <c>dataframe_records</c>). Every row is checked against the signature first — names and
/// types, every problem listed. Rows are scored one by one on pooled <see cref="ScoringEngine"/>s
/// (ML.NET's row-to-row mapper over one mutable row, as <c>PredictionEngine</c> does inside).
/// Thread-safe: each call rents its own engine.
/// </summary>
/// <remarks>
/// The batch path (one <c>Transform</c> over a view built by the training featurisation) gives
/// bit-identical predictions but was slower at every request size measured (1 to 2,000 rows:
/// about 2x per row at 1,000 rows, 100x for one row), so every request goes through the engines;
/// the batch path stays as the reference the engines are tested against.
/// </remarks>
public sealed partial class ModelScorer : IDisposable
{
    private const int MaxReported = 50;
    private readonly ITransformer _model;
    private readonly FeatureColumn[] _features;
    private readonly Dictionary<string, int> _featureIndex;
    private readonly int[] _firstSlot;
    private readonly int[] _signatureOrder;
    private readonly DataViewSchema _inputSchema;
    private readonly int[] _columnSlots;
    private readonly EnginePool _engines;

    private ModelScorer(ModelMetadata metadata, TaskDescriptor task, ITransformer model)
    {
        Metadata = metadata;
        Task = task;
        _model = model;
        _features = FeatureColumn.FromSignature(metadata.Signature);
        _featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < _features.Length; c++)
        {
            _featureIndex[_features[c].Name] = c;
        }

        _signatureOrder = Enumerable.Range(0, _features.Length).ToArray();

        // The engine's input row has the columns ViewBuilder gives the batch path, in the same order.
        var builder = new DataViewSchema.Builder();
        var slots = new List<int>();
        _firstSlot = new int[_features.Length];
        int singles = 0, texts = 0;
        for (var c = 0; c < _features.Length; c++)
        {
            var feature = _features[c];
            switch (feature.Kind)
            {
                case ColumnKind.Numeric or ColumnKind.DateTime:
                    _firstSlot[c] = singles;
                    foreach (var name in feature.ViewColumnNames())
                    {
                        builder.AddColumn(name, NumberDataViewType.Single);
                        slots.Add(singles++);
                    }

                    break;
                default:
                    _firstSlot[c] = texts;
                    builder.AddColumn(feature.Name, TextDataViewType.Instance);
                    slots.Add(texts++);
                    break;
            }
        }

        _inputSchema = builder.ToSchema();
        _columnSlots = [.. slots];
        _engines = new EnginePool(() => new ScoringEngine(_model, _inputSchema, _columnSlots, Task), EnginePoolCapacity);
    }

    /// <summary>
    /// The most idle engines kept. An engine is held for a whole request and requests can be
    /// preempted mid-scoring, so more engines are in use than there are cores; one made and thrown
    /// away per request costs more than the scoring (a 100-row request at 16 connections fell to a
    /// seventh of its throughput with a cap of twice the cores). Engines share the model; each
    /// holds one row's buffers.
    /// </summary>
    public static int EnginePoolCapacity { get; } = Math.Max(64, Environment.ProcessorCount * 8);

    /// <summary>The package descriptor.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The task, target and classes.</summary>
    public TaskDescriptor Task { get; }

    /// <summary>The scoring engines kept for reuse now (each serves one call at a time).</summary>
    public int IdleEngines => _engines.IdleCount;

    /// <summary>The scoring engines alive now: idle ones and those scoring a call.</summary>
    public int EnginePoolSize => _engines.Size;

    /// <summary>The scoring engines created since the model was loaded.</summary>
    public int EnginesCreated => _engines.CreatedCount;

    /// <summary>The most engines kept for reuse (twice the processor count).</summary>
    public int EngineCapacity => _engines.Capacity;

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
    /// Rows given as <see cref="ScoringRow"/>s (by position) are read without dictionary lookups.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem with the rows.</exception>
    public IReadOnlyList<ModelPrediction> Score(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return ScoreRows(rows, strictColumns: true, ignored: null);
    }

    /// <summary>
    /// Scores rows as <see cref="Score(IReadOnlyList{IReadOnlyDictionary{string, JsonElement}})"/>, but
    /// unless <paramref name="strictColumns"/>, names the signature does not have are left out, as
    /// MLflow's schema enforcement does, and returned in <see cref="ScoredRows.IgnoredColumns"/> so the
    /// caller can report them. Missing inputs and wrong types are still refused.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem with the rows.</exception>
    /// <param name="rows">The rows.</param>
    /// <param name="strictColumns">Refuse names the signature does not have instead of leaving them out.</param>
    /// <param name="withProbabilities">Also give every class's probability (<see cref="ModelPrediction.Probabilities"/>); classification only.</param>
    public ScoredRows Score(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, bool strictColumns, bool withProbabilities = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (withProbabilities && Task.Task == MLTask.Regression)
        {
            throw KeelException.InvalidParameter("Class probabilities were asked for (predict_method predict_proba), but this is a regression model: it predicts a value, not classes.");
        }

        var ignored = strictColumns ? null : new HashSet<string>(StringComparer.Ordinal);
        var predictions = ScoreRows(rows, strictColumns, ignored, withProbabilities);
        return new ScoredRows(predictions, ignored is { Count: > 0 } ? ignored.Order(StringComparer.Ordinal).ToArray() : []);
    }

    /// <summary>Stops pooling engines; engines in use are disposed when their call ends.</summary>
    public void Dispose() => _engines.Dispose();

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
