using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Data;
using Microsoft.ML;
using Keel.ML.Data;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Packaging;

/// <summary>
/// Writes a trained model as a Keel model package: <c>model.zip</c> (ML.NET), <c>keel-model.json</c>
/// (every <see cref="ModelMetadata"/> field) and <c>input_example.json</c> through Core's
/// <see cref="ModelPackage"/>, plus <c>keel-ml.json</c> (<see cref="TaskDescriptor"/>).
/// </summary>
public static class ModelPackageWriter
{
    /// <summary>The framework name written into <c>keel-model.json</c>.</summary>
    public const string Framework = "ML.NET 5.0.1";

    /// <summary>The optional ONNX export's file name in the package.</summary>
    public const string OnnxFileName = "model.onnx";

    /// <summary>The most rows copied into <c>input_example.json</c>.</summary>
    public const int ExampleRows = 5;

    /// <summary>Writes the package and returns the metadata written.</summary>
    /// <param name="directory">The package directory (created when missing).</param>
    /// <param name="context">The context the model was trained in.</param>
    /// <param name="model">The model.</param>
    /// <param name="target">The target column (recorded for the scorer).</param>
    /// <param name="info">Names, metrics, digest and schema.</param>
    /// <param name="exampleRows">Rows to take the input example from (the first <see cref="ExampleRows"/>).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task<ModelMetadata> WriteAsync(
        string directory,
        KeelMLContext context,
        TrainedModel model,
        string target,
        PackageInfo info,
        TabularData exampleRows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(exampleRows);
        var hyperparameters = new SortedDictionary<string, ScalarValue>(StringComparer.Ordinal);
        foreach (var (name, value) in model.Parameters)
        {
            hyperparameters[name] = value;
        }

        foreach (var (name, value) in info.ExtraHyperparameters)
        {
            hyperparameters[name] = value;
        }

        var metadata = new ModelMetadata
        {
            Id = info.Id,
            Name = info.Name,
            Version = info.Version,
            Algorithm = model.Trainer,
            Framework = Framework,
            CreatedAt = info.CreatedAt,
            CreatedBy = info.CreatedBy,
            TrainingDataHash = info.TrainingDataHash,
            Hyperparameters = hyperparameters,
            TrainingMetrics = Finite(info.TrainingMetrics),
            ValidationMetrics = Finite(info.ValidationMetrics),
            Dependencies = Dependencies(model.Trainer),
            PerformanceThresholds = info.PerformanceThresholds,
            DataSchema = info.DataSchema,
            ResourceRequirements = new Dictionary<string, ScalarValue>(StringComparer.Ordinal) { ["cpu"] = 1.0 },
            Signature = Signature(model),
        };

        using var zip = new MemoryStream();
        context.MLContext.Model.Save(model.Transformer, model.InputSchema, zip);
        zip.Position = 0;
        await ModelPackage.WriteAsync(directory, metadata, zip, InputExample(model.Features, exampleRows), cancellationToken).ConfigureAwait(false);
        var reference = info.ReferenceData is null
            ? null
            : await ReferenceSample.WriteAsync(directory, context, model, info.ReferenceData, info.ReferenceRows, info.ReferenceSeed, cancellationToken).ConfigureAwait(false);
        if (reference is not null && info.HeldOutData is not null)
        {
            reference = reference with { LabelledRows = await ReferenceSample.WriteLabelledAsync(directory, context, model, info.HeldOutData, info.ReferenceRows, info.ReferenceSeed, cancellationToken).ConfigureAwait(false) };
        }

        var descriptor = new TaskDescriptor(model.Task, target, model.Label.Classes, model.Label.Rule) { Missing = info.Missing, Reference = reference };
        await File.WriteAllTextAsync(Path.Combine(directory, TaskDescriptor.FileName), descriptor.ToJson(), cancellationToken).ConfigureAwait(false);
        if (info.ExportOnnx)
        {
            await ExportOnnxAsync(Path.Combine(directory, OnnxFileName), context, model, exampleRows, cancellationToken).ConfigureAwait(false);
        }

        return metadata;
    }

    /// <summary>Converts featurisation and predictor to ONNX (ML.NET's converter).</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when a transform or trainer has no ONNX form.</exception>
    private static async Task ExportOnnxAsync(string path, KeelMLContext context, TrainedModel model, TabularData rows, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            context.MLContext.Model.ConvertToOnnx(model.Transformer, ViewBuilder.Build(rows, model.Features, null, null), buffer);
        }
        catch (Exception error) when (error is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"onnx: this model ({model.Trainer}) cannot be exported to ONNX: {error.Message}", error);
        }

        await File.WriteAllBytesAsync(path, buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The signature: the inputs with their types, and the outputs of the task.</summary>
    public static ModelSignature Signature(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var inputs = model.Features.Select(f => new ColumnSpec(f.Name, TabularData.ToColumnType(f.Kind))).ToArray();
        ColumnSpec[] outputs = model.Task == MLTask.Regression
            ? [new ColumnSpec("prediction", ColumnType.Double)]
            : [new ColumnSpec("predicted_label", ColumnType.String), new ColumnSpec("probability", ColumnType.Double)];
        return new ModelSignature(inputs, outputs);
    }

    /// <summary>MLflow's split-orientation example: <c>{"columns": [...], "data": [[...], ...]}</c>.</summary>
    internal static string InputExample(IReadOnlyList<FeatureColumn> features, TabularData rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("columns");
            foreach (var feature in features)
            {
                writer.WriteStringValue(feature.Name);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("data");
            for (var r = 0; r < Math.Min(ExampleRows, rows.RowCount); r++)
            {
                writer.WriteStartArray();
                foreach (var feature in features)
                {
                    var column = rows[feature.Name];
                    var raw = column.Texts![r];
                    if (raw is null)
                    {
                        writer.WriteNullValue();
                    }
                    else if (feature.Kind == ColumnKind.Numeric && CellParsing.TryNumber(raw, out var number))
                    {
                        writer.WriteNumberValue(number);
                    }
                    else
                    {
                        writer.WriteStringValue(raw);
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string[] Dependencies(string trainer) => trainer switch
    {
        "FastTree" or "FastForest" => ["Microsoft.ML 5.0.1", "Microsoft.ML.FastTree 5.0.1"],
        "LightGbm" => ["Microsoft.ML 5.0.1", "Microsoft.ML.LightGbm 5.0.1"],
        _ => ["Microsoft.ML 5.0.1"],
    };

    // keel-model.json refuses non-finite numbers; a metric that is undefined on a split (e.g. ROC AUC
    // with one class) is left out of the package rather than written as NaN.
    private static Dictionary<string, double> Finite(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
}
