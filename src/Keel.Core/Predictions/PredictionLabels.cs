using System.Buffers;
using System.Text.Json;
using Keel.Core.Json;

namespace Keel.Core.Predictions;

/// <summary>Joins a request's feedback into one label per row, for every store backend alike.</summary>
public static class PredictionLabels
{
    /// <summary>
    /// A JSON array of <paramref name="rowCount"/> labels from <paramref name="feedback"/> (oldest first;
    /// later feedback for a row replaces earlier), null where a row has none; null when there is no feedback.
    /// Feedback that does not fit the row count (stored before the request's rows were known) is skipped.
    /// </summary>
    public static string? Merge(int rowCount, IReadOnlyList<PredictionFeedback> feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (feedback.Count == 0)
        {
            return null;
        }

        var labels = new JsonElement?[rowCount];
        var documents = new List<JsonDocument>(feedback.Count);
        try
        {
            foreach (var item in feedback)
            {
                if (Parse(item.LabelsJson) is not { } document)
                {
                    continue; // Unreadable stored feedback must not make the whole read fail.
                }

                documents.Add(document);
                var array = document.RootElement;
                if (array.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                if (item.RowIndex is { } row)
                {
                    if (row < rowCount && array.GetArrayLength() == 1)
                    {
                        labels[row] = array[0];
                    }
                }
                else if (array.GetArrayLength() == rowCount)
                {
                    var i = 0;
                    foreach (var label in array.EnumerateArray())
                    {
                        labels[i++] = label;
                    }
                }
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                foreach (var label in labels)
                {
                    if (label is { } value)
                    {
                        value.WriteTo(writer);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }

                writer.WriteEndArray();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    // Labels stored before requests were checked may hold lone surrogate escapes (repaired to U+FFFD
    // so writing them back out cannot fail) or, in a damaged row, not be JSON at all (skipped).
    private static JsonDocument? Parse(string labelsJson)
    {
        try
        {
            return JsonDocument.Parse(JsonText.ReplaceLoneSurrogates(labelsJson));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
