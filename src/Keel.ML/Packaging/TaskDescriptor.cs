using System.Text.Json;
using Keel.Core.Errors;
using Keel.Data;
using Keel.ML.Pipeline;

namespace Keel.ML.Packaging;

/// <summary>
/// <c>keel-ml.json</c>, written next to <c>keel-model.json</c>: what the scorer needs beyond the
/// signature — the task, the target and the class names (binary: [negative, positive]).
/// </summary>
/// <param name="Task">binary, multiclass or regression.</param>
/// <param name="Target">The target column the model predicts.</param>
/// <param name="Classes">Class names in label order; empty for regression.</param>
/// <param name="Rule">The rule deriving a binary label from a numeric column (<c>data.label</c>), or null.</param>
public sealed record TaskDescriptor(MLTask Task, string Target, IReadOnlyList<string> Classes, LabelRule? Rule = null)
{
    /// <summary>The file name.</summary>
    public const string FileName = "keel-ml.json";

    private const int MaxBytes = 1 << 20;

    /// <summary>
    /// The missing-value rule the training data was read with (<c>missing_values</c>), so that
    /// <c>keel validate</c> reads new data as training read its data unless told otherwise.
    /// </summary>
    /// <value>Null when training used the default rule (an empty cell only) or the package predates the field.</value>
    public MissingValues? Missing { get; init; }

    /// <summary>The reference sample training kept in the package (<c>"reference"</c>), or null when none.</summary>
    /// <value>Null.</value>
    public ReferenceSampleInfo? Reference { get; init; }

    internal string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("task", Task.ToString().ToLowerInvariant());
            writer.WriteString("target", Target);
            writer.WriteStartArray("classes");
            foreach (var name in Classes)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            if (Rule is not null)
            {
                writer.WriteStartObject("label_rule");
                writer.WriteString("column", Rule.Column);
                writer.WriteNumber("greater_than", Rule.GreaterThan);
                writer.WriteEndObject();
            }

            if (Missing is { } missing && (missing.NaValues.Count > 0 || !missing.KeepDefaultNa))
            {
                writer.WriteStartObject("missing_values");
                writer.WriteStartArray("na_values");
                foreach (var word in missing.NaValues)
                {
                    writer.WriteStringValue(word);
                }

                writer.WriteEndArray();
                writer.WriteBoolean("keep_default_na", missing.KeepDefaultNa);
                writer.WriteEndObject();
            }

            if (Reference is { } reference)
            {
                writer.WriteStartObject("reference");
                writer.WriteNumber("rows", reference.Rows);
                writer.WriteNumber("population_rows", reference.PopulationRows);
                writer.WriteNumber("seed", reference.Seed);
                writer.WriteString("method", "reservoir");
                writer.WriteString("inputs", Keel.Core.Models.ReferenceSampleFiles.Inputs);
                writer.WriteString("predictions", Keel.Core.Models.ReferenceSampleFiles.Predictions);
                if (reference.LabelledRows > 0)
                {
                    writer.WriteString("labelled", Keel.Core.Models.ReferenceSampleFiles.Labelled);
                    writer.WriteNumber("labelled_rows", reference.LabelledRows);
                }
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads and checks <c>keel-ml.json</c> in <paramref name="directory"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when it is missing or malformed.</exception>
    public static async Task<TaskDescriptor> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length > MaxBytes)
        {
            throw KeelException.InvalidParameter($"Invalid model package: {FileName}: missing, a link, or larger than {MaxBytes} bytes.");
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            MLTask? task = root.GetProperty("task").GetString() switch
            {
                "binary" => MLTask.Binary,
                "multiclass" => MLTask.Multiclass,
                "regression" => MLTask.Regression,
                _ => null,
            };
            var classes = root.GetProperty("classes").EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
            var target = root.GetProperty("target").GetString() ?? string.Empty;
            if (task is null || (task != MLTask.Regression && classes.Length < 2))
            {
                throw KeelException.InvalidParameter($"Invalid model package: {FileName}: unknown task or fewer than two classes.");
            }

            LabelRule? rule = null;
            if (root.TryGetProperty("label_rule", out var ruleElement))
            {
                rule = new LabelRule(ruleElement.GetProperty("column").GetString() ?? string.Empty, ruleElement.GetProperty("greater_than").GetDouble());
            }

            MissingValues? missing = null;
            if (root.TryGetProperty("missing_values", out var missingElement))
            {
                var words = missingElement.GetProperty("na_values").EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("missing_values.na_values holds a non-string.")).ToArray();
                missing = new MissingValues(words, missingElement.GetProperty("keep_default_na").GetBoolean());
            }

            ReferenceSampleInfo? reference = null;
            if (root.TryGetProperty("reference", out var referenceElement))
            {
                reference = new ReferenceSampleInfo(
                    referenceElement.GetProperty("rows").GetInt32(), referenceElement.GetProperty("population_rows").GetInt32(), referenceElement.GetProperty("seed").GetInt32())
                {
                    LabelledRows = referenceElement.TryGetProperty("labelled_rows", out var labelled) ? labelled.GetInt32() : 0,
                };
            }

            return new TaskDescriptor(task.Value, target, classes, rule) { Missing = missing, Reference = reference };
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw KeelException.InvalidParameter($"Invalid model package: {FileName}: {error.Message}");
        }
    }
}
