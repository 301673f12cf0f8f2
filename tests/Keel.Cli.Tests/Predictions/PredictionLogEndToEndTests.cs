using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Predictions;
using Keel.Core.Data;
using Keel.Data;
using Keel.Monitoring.Performance;

namespace Keel.Cli.Tests.Predictions;

/// <summary>
/// The whole loop on the credit example: <c>keel train</c> registers a model on a real server, the
/// admin API serves it, requests are scored, ground truth is sent back, and the log is read back
/// through the client, turned into performance windows, and exported with <c>keel predictions export</c>.
/// </summary>
public sealed class PredictionLogEndToEndTests(KeelServerFixture server) : IDisposable
{
    private const int RequestCount = 4;
    private const int RowsPerRequest = 50;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-predlog-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Credit_TrainRegisterServeScoreFeedback_LogReadsBackAndExports()
    {
        var name = KeelServerFixture.UniqueName("credit");
        var root = RepositoryRoot();
        var pipeline = Path.Combine(_folder, "pipeline.yaml");
        await File.WriteAllTextAsync(pipeline, $"""
            name: {name}
            experiment: {name}
            data:
              path: {Path.Combine(root, "examples", "credit", "credit_data.csv")}
              target: Status
              task: binary
              positive_class: bad
            split: {"{"}train: 0.7, validation: 0.15, test: 0.15, seed: 42, stratified: true{"}"}
            trainer:
              name: LightGbm
              params: {"{"}number_of_iterations: 10, number_of_leaves: 8{"}"}
            registration:
              model_name: {name}
              alias: champion
            """, _ct);
        var trained = await CliRun.AgainstAsync(server, "train", pipeline);
        Assert.True(trained.ExitCode == 0, trained.ToString());

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using (var serve = await http.PostAsync(
            "/api/2.0/keel/serving/models",
            new StringContent(JsonSerializer.Serialize(new { name, model_uri = $"models:/{name}@champion" }), Encoding.UTF8, "application/json"),
            _ct))
        {
            Assert.True(serve.IsSuccessStatusCode, await serve.Content.ReadAsStringAsync(_ct));
        }

        // Score 4 requests of 50 applicants each (the CSV without its Status column), then send the true Status back.
        var lines = (await File.ReadAllLinesAsync(Path.Combine(root, "examples", "credit", "credit_data.csv"), _ct)).ToArray();
        var header = string.Join(',', lines[0].Split(',')[1..]);
        var truth = new List<string>();
        var predicted = new List<string>();
        var ids = new List<string>();
        for (var r = 0; r < RequestCount; r++)
        {
            var rows = lines.Skip(1 + (r * RowsPerRequest)).Take(RowsPerRequest).ToArray();
            var csv = header + "\n" + string.Join('\n', rows.Select(l => string.Join(',', l.Split(',')[1..])));
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/serving/{name}/invocations") { Content = new StringContent(csv, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            var id = $"{name}-req-{r}";
            request.Headers.Add("X-Request-Id", id);
            using var response = await http.SendAsync(request, _ct);
            var body = await response.Content.ReadAsStringAsync(_ct);
            Assert.True(response.IsSuccessStatusCode, body);
            Assert.Equal(id, response.Headers.GetValues("X-Request-Id").Single());
            using var json = JsonDocument.Parse(body);
            predicted.AddRange(json.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predicted_label").GetString()!));
            var labels = rows.Select(l => l.Split(',')[0]).ToArray();
            truth.AddRange(labels);
            ids.Add(id);

            using var client = server.CreateClient();
            using var labelsJson = JsonDocument.Parse(JsonSerializer.Serialize(labels));
            Assert.Equal(1, await client.SendFeedbackAsync(PredictionFeedback.ForRows(id, labelsJson.RootElement, 0), _ct));
        }

        // Read the log back through the client: every request, in order, with its labels joined.
        using (var client = server.CreateClient())
        {
            var logged = new List<LoggedPrediction>();
            await foreach (var item in client.SearchAllPredictionsAsync(new PredictionQuery(name, MaxResults: 3), _ct))
            {
                logged.Add(item);
            }

            Assert.Equal(ids, logged.Select(l => l.Record.RequestId));
            Assert.All(logged, l => Assert.Equal(RowsPerRequest, l.Record.RowCount));
            Assert.All(logged, l => Assert.Equal("1", l.Record.ModelVersion));
            Assert.Equal(truth, logged.SelectMany(l => JsonDocument.Parse(l.LabelsJson!).RootElement.EnumerateArray().Select(e => e.GetString()!)));

            // Real accuracy over a time window, from the log, equals the accuracy of the answers the clients got.
            var expectedAccuracy = truth.Zip(predicted).Count(p => p.First == p.Second) / (double)truth.Count;
            var window = Assert.Single(PredictionLogMonitoring.Windows(logged, ModelTask.Classification, TimeSpan.FromDays(3650), ["good", "bad"]));
            Assert.Equal(RequestCount * RowsPerRequest, window.LabelledCount);
            Assert.Equal(expectedAccuracy, window.Metrics["accuracy"], 12);
            Assert.True(window.Metrics["accuracy"] > 0.6, $"accuracy {window.Metrics["accuracy"]}");
            Assert.Contains("roc_auc", window.Metrics.Keys);
        }

        // Export through the server to Parquet and read it back.
        var output = Path.Combine(_folder, "log.parquet");
        var export = await CliRun.AgainstAsync(server, "predictions", "export", "--model", name, "--from", "2000-01-01T00:00:00Z", output);
        Assert.True(export.ExitCode == 0, export.ToString());
        var table = await TableReader.ReadAsync(output, cancellationToken: _ct);
        Assert.Equal(RequestCount * RowsPerRequest, table.RowCount);
        Assert.Equal(truth.Select(t => $"\"{t}\""), table["label"]!.Texts!);
        Assert.Equal(predicted, table["predicted_label"]!.Texts!);
        Assert.Equal(ColumnKind.Numeric, table["Seniority"]!.Kind);
        Assert.Equal(double.Parse(lines[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), table["Seniority"]!.Numbers![0]);
        Assert.Equal(lines[1].Split(',')[2], table["Home"]!.Texts![0]);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }
}
