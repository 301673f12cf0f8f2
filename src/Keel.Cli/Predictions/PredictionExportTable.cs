using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Predictions;
using Parquet;
using Parquet.Schema;

namespace Keel.Cli.Predictions;

/// <summary>
/// The prediction log as a flat table, one line per scored row: <c>request_id</c>, <c>row_index</c>,
/// <c>model</c>, <c>version</c>, <c>timestamp</c> (UTC), <c>latency_us</c> (of the whole request),
/// <c>inputs</c> (that row as a JSON object), <c>outputs</c> and <c>label</c> (that row's JSON; label null until feedback arrived);
/// then the prediction flattened (<c>predicted_label</c> and <c>probability</c>, or <c>prediction</c>)
/// and every input column flattened under its own name (numbers as doubles, anything else as text;
/// <c>input_</c> is put in front of a name that clashes with the columns above).
/// </summary>
internal sealed class PredictionExportTable
{
    private static readonly string[] Fixed = ["request_id", "row_index", "model", "version", "timestamp", "latency_us", "inputs", "outputs", "label", "predicted_label", "probability", "prediction"];

    private readonly List<string> _requestIds = [];
    private readonly List<long> _rowIndexes = [];
    private readonly List<string> _models = [];
    private readonly List<string> _versions = [];
    private readonly List<DateTime> _timestamps = [];
    private readonly List<long> _latencies = [];
    private readonly List<string> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly List<string?> _labels = [];
    private readonly List<FlatColumn> _flat = [];

    private PredictionExportTable()
    {
    }

    /// <summary>Lines in the table (scored rows).</summary>
    public int RowCount => _requestIds.Count;

    /// <summary>The column names in order.</summary>
    public IEnumerable<string> ColumnNames => Fixed.Take(9).Concat(_flat.Select(c => c.Name));

    public static PredictionExportTable Build(IReadOnlyList<LoggedPrediction> logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        var table = new PredictionExportTable();
        var outputs = new Dictionary<string, FlatColumn>(StringComparer.Ordinal);
        var inputs = new Dictionary<string, FlatColumn>(StringComparer.Ordinal);
        foreach (var item in logged)
        {
            var record = item.Record;
            using var inputDoc = JsonDocument.Parse(record.InputsJson);
            using var outputDoc = JsonDocument.Parse(record.OutputsJson);
            using var labelDoc = item.LabelsJson is null ? null : JsonDocument.Parse(item.LabelsJson);
            var rowInputs = inputDoc.RootElement.EnumerateArray().ToArray();
            var rowOutputs = outputDoc.RootElement.EnumerateArray().ToArray();
            var rowLabels = labelDoc?.RootElement.EnumerateArray().ToArray() ?? [];
            for (var r = 0; r < Math.Max(rowInputs.Length, rowOutputs.Length); r++)
            {
                var line = table.RowCount;
                table._requestIds.Add(record.RequestId);
                table._rowIndexes.Add(r);
                table._models.Add(record.ModelName);
                table._versions.Add(record.ModelVersion);
                table._timestamps.Add(DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs).UtcDateTime);
                table._latencies.Add(record.LatencyMicroseconds);
                table._inputs.Add(r < rowInputs.Length ? RowObject(record.InputColumns, rowInputs[r]) : "null");
                table._outputs.Add(r < rowOutputs.Length ? rowOutputs[r].GetRawText() : "null");
                table._labels.Add(r < rowLabels.Length && rowLabels[r].ValueKind != JsonValueKind.Null ? rowLabels[r].GetRawText() : null);
                if (r < rowOutputs.Length)
                {
                    var output = rowOutputs[r];
                    if (output.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var property in output.EnumerateObject())
                        {
                            Column(table, outputs, property.Name, property.Name).Set(line, property.Value);
                        }
                    }
                    else
                    {
                        Column(table, outputs, "prediction", "prediction").Set(line, output);
                    }
                }

                if (r < rowInputs.Length && rowInputs[r].ValueKind == JsonValueKind.Array)
                {
                    var c = 0;
                    foreach (var value in rowInputs[r].EnumerateArray())
                    {
                        if (c >= record.InputColumns.Count)
                        {
                            break;
                        }

                        var column = record.InputColumns[c++];
                        var name = Array.IndexOf(Fixed, column) >= 0 ? "input_" + column : column;
                        Column(table, inputs, column, name).Set(line, value);
                    }
                }
            }
        }

        foreach (var column in table._flat)
        {
            column.Pad(table.RowCount);
        }

        return table;
    }

    /// <summary>One row's values as a JSON object of column name to value.</summary>
    private static string RowObject(IReadOnlyList<string> columns, JsonElement values)
    {
        if (values.ValueKind != JsonValueKind.Array)
        {
            return values.GetRawText();
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            var c = 0;
            foreach (var value in values.EnumerateArray())
            {
                writer.WritePropertyName(c < columns.Count ? columns[c] : "column_" + c.ToString(CultureInfo.InvariantCulture));
                value.WriteTo(writer);
                c++;
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static FlatColumn Column(PredictionExportTable table, Dictionary<string, FlatColumn> columns, string key, string name)
    {
        if (!columns.TryGetValue(key, out var column))
        {
            columns[key] = column = new FlatColumn(name);
            table._flat.Add(column);
        }

        return column;
    }

    public async Task WriteParquetAsync(string path, CancellationToken cancellationToken)
    {
        var requestId = new DataField<string>("request_id");
        var rowIndex = new DataField<long>("row_index");
        var model = new DataField<string>("model");
        var version = new DataField<string>("version");
        var timestamp = new DateTimeDataField("timestamp", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: false);
        var latency = new DataField<long>("latency_us");
        var inputs = new DataField<string>("inputs");
        var outputs = new DataField<string>("outputs");
        var label = new DataField<string>("label", nullable: true);
        var flat = _flat.Select(c => c.IsNumeric ? (DataField)new DataField<double?>(c.Name) : new DataField<string>(c.Name, nullable: true)).ToArray();
        var schema = new ParquetSchema([requestId, rowIndex, model, version, timestamp, latency, inputs, outputs, label, .. flat]);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        await using (stream.ConfigureAwait(false))
        {
            var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(requestId, _requestIds).ConfigureAwait(false);
                await group.WriteAsync<long>(rowIndex, _rowIndexes.ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
                await group.WriteAsync(model, _models).ConfigureAwait(false);
                await group.WriteAsync(version, _versions).ConfigureAwait(false);
                await group.WriteAsync<DateTime>(timestamp, _timestamps.ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
                await group.WriteAsync<long>(latency, _latencies.ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
                await group.WriteAsync(inputs, _inputs).ConfigureAwait(false);
                await group.WriteAsync(outputs, _outputs).ConfigureAwait(false);
                await group.WriteAsync(label, _labels!).ConfigureAwait(false);
                for (var i = 0; i < flat.Length; i++)
                {
                    if (_flat[i].IsNumeric)
                    {
                        await group.WriteAsync<double>(flat[i], _flat[i].Numbers(), cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await group.WriteAsync(flat[i], _flat[i].Texts()!).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    public async Task WriteCsvAsync(string path, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', ColumnNames.Select(Quote)).Append('\n');
        var numbers = _flat.Select(c => c.IsNumeric ? c.Numbers() : null).ToArray();
        var texts = _flat.Select(c => c.IsNumeric ? null : c.Texts()).ToArray();
        for (var i = 0; i < RowCount; i++)
        {
            text.Append(Quote(_requestIds[i])).Append(',')
                .Append(_rowIndexes[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Quote(_models[i])).Append(',')
                .Append(Quote(_versions[i])).Append(',')
                .Append(_timestamps[i].ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(_latencies[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Quote(_inputs[i])).Append(',')
                .Append(Quote(_outputs[i])).Append(',')
                .Append(Quote(_labels[i]));
            for (var c = 0; c < _flat.Count; c++)
            {
                text.Append(',');
                if (numbers[c] is { } n)
                {
                    text.Append(n[i]?.ToString("R", CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append(Quote(texts[c]![i]));
                }
            }

            text.Append('\n');
        }

        await File.WriteAllTextAsync(path, text.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 4180: quoted when it holds a comma, quote or line break; null is an empty field.</summary>
    private static string Quote(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    /// <summary>One flattened column: numeric while every value is a number or null, text otherwise.</summary>
    private sealed class FlatColumn(string name)
    {
        private readonly List<string?> _raw = [];

        public string Name { get; } = name;

        public bool IsNumeric { get; private set; } = true;

        public void Set(int line, JsonElement value)
        {
            Pad(line);
            _raw.Add(value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => value.GetString(),
                _ => value.GetRawText(),
            });
            IsNumeric &= value.ValueKind is JsonValueKind.Number or JsonValueKind.Null;
        }

        public void Pad(int lines)
        {
            while (_raw.Count < lines)
            {
                _raw.Add(null);
            }
        }

        public double?[] Numbers() => _raw.Select(r => r is null ? (double?)null : double.Parse(r, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

        public string?[] Texts() => [.. _raw];
    }
}
