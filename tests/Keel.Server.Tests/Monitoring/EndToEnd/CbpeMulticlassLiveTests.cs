using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Models;
using Keel.Core.Predictions;
using Keel.Data;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// A multiclass classifier (credit's <c>Job</c>: fixed, freelance, partime, others) served for real:
/// the prediction log keeps every class's probability (the answer shows it only when asked), and
/// the monitor's label-free estimate (one-vs-rest isotonic calibration on the package's labelled
/// reference) is computed from that vector.
/// </summary>
public sealed class CbpeMulticlassLiveTests
{
    private const int WindowRows = 300;

    /// <summary>
    /// Accuracy of 300 rows near 0.6 has a binomial standard error of √(0.6 × 0.4 / 300) ≈ 0.028;
    /// 0.1 is about 3.5 of them.
    /// </summary>
    private const double Tolerance = 0.1;

    [Fact]
    public async Task ServedMulticlassModel_LogsEveryClassProbability_AndTheMonitorEstimatesAccuracyFromIt()
    {
        await using var served = await ServedCreditClassifier.StartAsync("cbpe-job", "Job", "multiclass", "{name: LightGbm, params: {number_of_iterations: 30}}");
        var ct = TestContext.Current.CancellationToken;
        var labelled = await TableReader.ReadAsync(Path.Combine(served.PackageDirectory, ReferenceSampleFiles.Labelled), cancellationToken: ct);
        string[] classes = ["fixed", "freelance", "others", "partime"];
        Assert.Equal(
            ((string[])["label", "prediction"]).Concat(classes.Select(c => "probability:" + c)).Order(StringComparer.Ordinal),
            labelled.Columns.Select(c => c.Name).Order(StringComparer.Ordinal));

        await served.ApplyAsync();
        var sent = new List<List<(string RequestId, int[] Rows)>>();
        for (var w = 0; w < 2; w++)
        {
            sent.Add(await served.ServeAsync(w, [.. Enumerable.Range(w * WindowRows, WindowRows)]));
        }

        // Every logged row holds the whole vector: every class, summing to one, its largest the predicted class.
        var logged = await served.Service<IPredictionStore>().SearchAsync(new PredictionQuery(served.Model, MaxResults: 10_000), ct);
        var outputs = logged.Items.Where(l => l.Record.RequestId.StartsWith('w')).SelectMany(l => JsonDocument.Parse(l.Record.OutputsJson).RootElement.EnumerateArray().Select(e => e.Clone())).ToList();
        Assert.Equal(2 * WindowRows, outputs.Count);
        Assert.All(outputs, o =>
        {
            var vector = o.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(classes, vector.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(1.0, vector.Values.Sum(), 6);
            Assert.Equal(o.GetProperty("predicted_label").GetString(), vector.MaxBy(p => p.Value).Key);
            Assert.Equal(o.GetProperty("probability").GetDouble(), vector[o.GetProperty("predicted_label").GetString()!], 12);
        });

        served.Time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(served.EndOf(2)));
        foreach (var window in sent)
        {
            await served.FeedbackAsync(window);
        }

        var shown = new StringBuilder();
        for (var w = 0; w < sent.Count; w++)
        {
            var (performance, _) = await served.RunAsync(w);
            Assert.True(performance.TryGetProperty("estimated", out var estimatedElement) && estimatedElement.ValueKind == JsonValueKind.Number, performance.GetRawText());
            Assert.Equal(("accuracy", WindowRows, WindowRows), (performance.GetProperty("metric").GetString(), performance.GetProperty("labelled_rows").GetInt32(), performance.GetProperty("estimated_rows").GetInt32()));
            var (realised, estimated) = (performance.GetProperty("value").GetDouble(), estimatedElement.GetDouble());
            shown.Append(CultureInfo.InvariantCulture, $"w{w} realised {realised:F3} estimated {estimated:F3}; ");
            Assert.True(Math.Abs(estimated - realised) <= Tolerance, shown.ToString());
        }

        TestContext.Current.TestOutputHelper?.WriteLine(shown.ToString());

        // The answer to a plain request has no vector (as before it was logged); one asking for predict_proba has it.
        var plain = await PostAsync(served, new { dataframe_records = new[] { served.Rows[0] } });
        Assert.False(plain.GetProperty("predictions")[0].TryGetProperty("probabilities", out _), plain.GetRawText());
        var asked = await PostAsync(served, new { dataframe_records = new[] { served.Rows[0] }, @params = new { predict_method = "predict_proba" } });
        Assert.Equal(classes.Order(StringComparer.Ordinal), asked.GetProperty("predictions")[0].GetProperty("probabilities").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static async Task<JsonElement> PostAsync(ServedCreditClassifier served, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await served.Client.PostAsync($"/serving/{served.Model}/invocations", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
