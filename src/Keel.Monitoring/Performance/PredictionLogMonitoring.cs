using System.Globalization;
using System.Text.Json;
using Keel.Core.Predictions;

namespace Keel.Monitoring.Performance;

/// <summary>
/// Turns the prediction log (predictions joined with their ground-truth feedback) into the
/// <see cref="PredictionRecord"/>s <see cref="ModelMonitor"/> computes windows from, one per
/// scored row, so accuracy and the other metrics are real ones over time.
/// </summary>
/// <remarks>
/// Classification: each row's <c>predicted_label</c> and label become class codes — the index in
/// <c>classes</c> when given (binary: [negative, positive], so the positive class is code 1 and the
/// logged probability is its score), otherwise codes in order of first appearance and no score.
/// Labels are compared as text (<c>"1"</c> and <c>1</c> are the same class). Regression: the
/// predicted number and the label (a number or numeric string). Rows without a label count in the
/// prediction statistics but not in the metrics.
/// </remarks>
public static class PredictionLogMonitoring
{
    /// <summary>One <see cref="PredictionRecord"/> per logged row.</summary>
    /// <param name="logged">Logged predictions, e.g. from <see cref="IPredictionStore.SearchAsync"/>.</param>
    /// <param name="task">Classification or regression.</param>
    /// <param name="classes">Classification: class names in code order (binary: [negative, positive]); null to number them as they appear.</param>
    /// <exception cref="FormatException">A logged output does not fit <paramref name="task"/>.</exception>
    public static IReadOnlyList<PredictionRecord> ToRecords(IEnumerable<LoggedPrediction> logged, ModelTask task, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(logged);
        var codes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in classes ?? [])
        {
            codes.TryAdd(name, codes.Count);
        }

        var scored = task == ModelTask.Classification && classes is { Count: 2 };
        var result = new List<PredictionRecord>();
        foreach (var item in logged)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(item.Record.TimestampMs);
            using var outputs = JsonDocument.Parse(item.Record.OutputsJson);
            using var labels = item.LabelsJson is null ? null : JsonDocument.Parse(item.LabelsJson);
            var row = 0;
            foreach (var output in outputs.RootElement.EnumerateArray())
            {
                var label = labels is not null && row < labels.RootElement.GetArrayLength() ? labels.RootElement[row] : default;
                row++;
                if (task == ModelTask.Regression)
                {
                    result.Add(new PredictionRecord(time, output.ValueKind == JsonValueKind.Number ? output.GetDouble() : double.NaN, Number(label)));
                    continue;
                }

                if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("predicted_label", out var predicted))
                {
                    throw new FormatException($"Request '{item.Record.RequestId}': a classification output must be {{\"predicted_label\", \"probability\"}}, got {output.GetRawText()}.");
                }

                double? score = scored && output.TryGetProperty("probability", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : null;
                var labelText = Text(label);
                result.Add(new PredictionRecord(time, Code(codes, Text(predicted)!), labelText is null ? null : Code(codes, labelText), score));
            }
        }

        return result;
    }

    /// <summary>Performance windows of the logged rows (see <see cref="ModelMonitor.Compute"/>); binary with classes: positive class code 1.</summary>
    public static IReadOnlyList<PerformanceWindow> Windows(IEnumerable<LoggedPrediction> logged, ModelTask task, TimeSpan window, IReadOnlyList<string>? classes = null) =>
        ModelMonitor.Compute(ToRecords(logged, task, classes), task, window, positiveClass: 1.0);

    /// <summary>Reads every page of <paramref name="query"/> from <paramref name="store"/> and computes its performance windows.</summary>
    public static async Task<IReadOnlyList<PerformanceWindow>> WindowsAsync(
        IPredictionStore store, PredictionQuery query, ModelTask task, TimeSpan window, IReadOnlyList<string>? classes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        var all = new List<LoggedPrediction>();
        var page = query;
        while (true)
        {
            var result = await store.SearchAsync(page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (result.NextPageToken is null)
            {
                break;
            }

            page = page with { PageToken = result.NextPageToken };
        }

        return Windows(all, task, window, classes);
    }

    private static double Code(Dictionary<string, double> codes, string name)
    {
        if (!codes.TryGetValue(name, out var code))
        {
            codes[name] = code = codes.Count;
        }

        return code;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Object => value.GetRawText(),
        _ => null,
    };

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
