using System.Globalization;
using System.Text.Json;
using Keel.Core.Predictions;

namespace Keel.Monitoring.Deployments;

/// <summary>
/// An arm's labelled rows, read from the prediction log (predictions joined with their feedback by
/// request id): for classifiers the predicted label, the probability and the true label as text
/// (<c>"1"</c> and <c>1</c> are the same class); for regression the predicted and true numbers.
/// </summary>
public sealed class FeedbackRows
{
    /// <summary>Classifier rows: predicted label, probability (NaN when absent), true label.</summary>
    public List<(string Predicted, double Probability, string Label)> Classes { get; } = [];

    /// <summary>Regression rows: predicted value, true value.</summary>
    public List<(double Predicted, double Label)> Values { get; } = [];

    /// <summary>Labelled rows.</summary>
    public int Count => Classes.Count + Values.Count;

    /// <summary>Whether the rows are a classifier's.</summary>
    public bool IsClassifier => Classes.Count > 0;

    /// <summary>Adds the labelled rows of one logged request.</summary>
    public void Add(LoggedPrediction logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        if (logged.LabelsJson is null)
        {
            return;
        }

        using var outputs = JsonDocument.Parse(logged.Record.OutputsJson);
        Add(outputs, logged.LabelsJson);
    }

    /// <summary>Adds the labelled rows of one logged request read as UTF-8 (<see cref="PredictionWindowRow"/>).</summary>
    /// <param name="outputsUtf8">The request's outputs.</param>
    /// <param name="labelsJson">Its merged labels; null: nothing to add.</param>
    public void Add(ReadOnlySpan<byte> outputsUtf8, string? labelsJson)
    {
        if (labelsJson is null)
        {
            return;
        }

        using var outputs = JsonDocument.Parse(outputsUtf8.ToArray());
        Add(outputs, labelsJson);
    }

    private void Add(JsonDocument outputs, string labelsJson)
    {
        using var labels = JsonDocument.Parse(labelsJson);
        if (outputs.RootElement.ValueKind != JsonValueKind.Array || labels.RootElement.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        int n = Math.Min(outputs.RootElement.GetArrayLength(), labels.RootElement.GetArrayLength());
        for (int i = 0; i < n; i++)
        {
            var output = outputs.RootElement[i];
            var label = labels.RootElement[i];
            if (label.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                continue;
            }

            if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("predicted_label", out var predicted) && Text(predicted) is { } p && Text(label) is { } l)
            {
                double probability = output.TryGetProperty("probability", out var pr) && pr.ValueKind == JsonValueKind.Number ? pr.GetDouble() : double.NaN;
                Classes.Add((p, probability, l));
            }
            else if (output.ValueKind == JsonValueKind.Number && Number(label) is { } y)
            {
                Values.Add((output.GetDouble(), y));
            }
        }
    }

    /// <summary>Reads every page of <paramref name="query"/>, keeping the rows of <paramref name="version"/>.</summary>
    public static async Task<FeedbackRows> ReadAsync(IPredictionStore store, PredictionQuery query, string? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rows = new FeedbackRows();
        var page = query;
        while (true)
        {
            var result = await store.SearchAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                if (version is null || string.Equals(item.Record.ModelVersion, version, StringComparison.Ordinal))
                {
                    rows.Add(item);
                }
            }

            if (result.NextPageToken is null)
            {
                return rows;
            }

            page = page with { PageToken = result.NextPageToken };
        }
    }

    internal static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
