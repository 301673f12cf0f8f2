using System.Text.Encodings.Web;
using System.Text.Json;

namespace Keel.Core.Models;

/// <summary>
/// Writes and reads <c>keel-model.json</c>. Reading walks the JSON by hand into the fixed records:
/// no serializer ever picks a type, so a <c>$type</c> or a .NET type name in the file is only ever
/// an unknown property (refused) or a plain string value (kept as data).
/// </summary>
internal static partial class ModelMetadataJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Write(ModelMetadata metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format_version", metadata.FormatVersion);
            writer.WriteString("keel_version", metadata.KeelVersion);
            writer.WriteString("id", metadata.Id);
            writer.WriteString("name", metadata.Name);
            writer.WriteString("version", metadata.Version);
            writer.WriteString("algorithm", metadata.Algorithm);
            writer.WriteString("framework", metadata.Framework);
            writer.WriteString("created_at", metadata.CreatedAt);
            writer.WriteString("created_by", metadata.CreatedBy);
            writer.WriteString("stage", Registry.ModelStages.ToKeelName(metadata.Stage));
            if (metadata.TrainingDataHash is null)
            {
                writer.WriteNull("training_data_hash");
            }
            else
            {
                writer.WriteString("training_data_hash", metadata.TrainingDataHash);
            }

            WriteScalars(writer, "hyperparameters", metadata.Hyperparameters);
            WriteNumbers(writer, "training_metrics", metadata.TrainingMetrics);
            WriteNumbers(writer, "validation_metrics", metadata.ValidationMetrics);
            WriteScalars(writer, "deployment_config", metadata.DeploymentConfig);
            WriteScalars(writer, "resource_requirements", metadata.ResourceRequirements);
            writer.WriteStartArray("dependencies");
            foreach (var dependency in metadata.Dependencies)
            {
                writer.WriteStringValue(dependency);
            }

            writer.WriteEndArray();
            WriteNumbers(writer, "performance_thresholds", metadata.PerformanceThresholds);
            writer.WriteStartObject("data_schema");
            foreach (var (column, type) in metadata.DataSchema)
            {
                writer.WriteString(column, type.ToName());
            }

            writer.WriteEndObject();
            writer.WriteStartObject("signature");
            WriteColumns(writer, "inputs", metadata.Signature.Inputs);
            WriteColumns(writer, "outputs", metadata.Signature.Outputs);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteScalars(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, ScalarValue> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            switch (value.Kind)
            {
                case ScalarKind.String:
                    writer.WriteString(key, value.AsString);
                    break;
                case ScalarKind.Number:
                    writer.WriteNumber(key, value.AsNumber);
                    break;
                default:
                    writer.WriteBoolean(key, value.AsBoolean);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, double> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteNumber(key, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteColumns(Utf8JsonWriter writer, string name, IReadOnlyList<ColumnSpec> columns)
    {
        writer.WriteStartArray(name);
        foreach (var column in columns)
        {
            writer.WriteStartObject();
            writer.WriteString("name", column.Name);
            writer.WriteString("type", column.Type.ToName());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
