using System.Buffers;
using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Paging;

namespace Keel.Core.Predictions;

/// <summary>
/// The wire form of a page of the prediction log (<c>GET /api/2.0/keel/serving/predictions</c>),
/// written by the server and read by the client:
/// <c>{"predictions": [{"request_id", "model_name", "model_version", "timestamp", "latency_us",
/// "row_count", "error_code" (failed requests only), "input_columns": [...], "inputs": [[...]], "outputs": [...], "labels": [...], "labelled_at"}],
/// "next_page_token"}</c>. Inputs are one array of values per row in <c>input_columns</c> order (as
/// MLflow's <c>dataframe_split</c>); inputs, outputs and labels are embedded as JSON, not as strings;
/// labels and labelled_at are left out when no feedback arrived, next_page_token on the last page.
/// </summary>
public static class PredictionLogJson
{
    /// <summary>Writes a page as UTF-8 JSON.</summary>
    public static byte[] Page(PagedResult<LoggedPrediction> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("predictions");
            foreach (var item in page.Items)
            {
                var r = item.Record;
                writer.WriteStartObject();
                writer.WriteString("request_id", r.RequestId);
                writer.WriteString("model_name", r.ModelName);
                writer.WriteString("model_version", r.ModelVersion);
                writer.WriteNumber("timestamp", r.TimestampMs);
                writer.WriteNumber("latency_us", r.LatencyMicroseconds);
                writer.WriteNumber("row_count", r.RowCount);
                if (r.ErrorCode is not null)
                {
                    writer.WriteString("error_code", r.ErrorCode);
                }

                writer.WriteStartArray("input_columns");
                foreach (var column in r.InputColumns)
                {
                    writer.WriteStringValue(column);
                }

                writer.WriteEndArray();
                // Stored JSON is repaired, not trusted: a lone surrogate kept by an older version
                // would otherwise make every page holding it unreadable for clients.
                writer.WritePropertyName("inputs");
                writer.WriteRawValue(JsonText.ReplaceLoneSurrogates(r.InputsJson));
                writer.WritePropertyName("outputs");
                writer.WriteRawValue(JsonText.ReplaceLoneSurrogates(r.OutputsJson));
                if (item.LabelsJson is not null)
                {
                    writer.WritePropertyName("labels");
                    writer.WriteRawValue(JsonText.ReplaceLoneSurrogates(item.LabelsJson));
                }

                if (item.LabelledAtMs is { } at)
                {
                    writer.WriteNumber("labelled_at", at);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (page.NextPageToken is not null)
            {
                writer.WriteString("next_page_token", page.NextPageToken);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a page written by <see cref="Page"/>.</summary>
    /// <exception cref="KeelException">INTERNAL_ERROR when the JSON is not such a page.</exception>
    public static PagedResult<LoggedPrediction> ReadPage(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var items = new List<LoggedPrediction>();
            var columnLists = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var p in root.GetProperty("predictions").EnumerateArray())
            {
                var columnsText = p.GetProperty("input_columns").GetRawText();
                if (!columnLists.TryGetValue(columnsText, out var columns))
                {
                    columnLists[columnsText] = columns = p.GetProperty("input_columns").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToArray();
                }

                var record = new PredictionLogRecord(
                    p.GetProperty("request_id").GetString()!,
                    p.GetProperty("model_name").GetString()!,
                    p.GetProperty("model_version").GetString()!,
                    p.GetProperty("timestamp").GetInt64(),
                    p.GetProperty("latency_us").GetInt64(),
                    p.GetProperty("row_count").GetInt32(),
                    columns,
                    p.GetProperty("inputs").GetRawText(),
                    p.GetProperty("outputs").GetRawText())
                {
                    ErrorCode = p.TryGetProperty("error_code", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null,
                };
                var labels = p.TryGetProperty("labels", out var l) && l.ValueKind != JsonValueKind.Null ? l.GetRawText() : null;
                long? at = p.TryGetProperty("labelled_at", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt64() : null;
                items.Add(new LoggedPrediction(record, labels, at));
            }

            var next = root.TryGetProperty("next_page_token", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0 ? t.GetString() : null;
            return new PagedResult<LoggedPrediction>(items, next);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new KeelException(ErrorCode.InternalError, "Unexpected prediction log page: " + e.Message, e);
        }
    }

    /// <summary>Reads a page from its UTF-8 text.</summary>
    public static PagedResult<LoggedPrediction> ReadPage(string json) => ReadPage(Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))));
}
