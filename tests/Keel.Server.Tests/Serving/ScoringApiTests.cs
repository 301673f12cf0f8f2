using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

[Collection(ServingCollection.Name)]
public sealed class ScoringApiTests(ServingFixture fixture)
{
    private const string Invocations = "/serving/bc/invocations";

    private string Json(object value) => JsonSerializer.Serialize(value);

    private void AssertExpected(ApiAnswer answer)
    {
        Assert.Equal(200, answer.Status);
        var predictions = answer["predictions"].EnumerateArray().ToArray();
        Assert.Equal(fixture.Expected.Count, predictions.Length);
        for (var i = 0; i < predictions.Length; i++)
        {
            Assert.Equal(fixture.Expected[i].Label, predictions[i].GetProperty("predicted_label").GetString());
            Assert.Equal(fixture.Expected[i].Probability!.Value, predictions[i].GetProperty("probability").GetDouble(), 12);
        }
    }

    [Fact]
    public async Task DataframeSplit_ReturnsOnePredictionPerRow()
    {
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { dataframe_split = new { columns = fixture.Columns, data = fixture.Rows } })));
    }

    [Fact]
    public async Task DataframeSplitWithIndex_IsAccepted()
    {
        var index = Enumerable.Range(0, fixture.Rows.Length).ToArray();
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { dataframe_split = new { columns = fixture.Columns, data = fixture.Rows, index } })));
    }

    [Fact]
    public async Task DataframeRecords_ReturnsOnePredictionPerRow()
    {
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { dataframe_records = fixture.Records() })));
    }

    [Fact]
    public async Task InstancesAsObjects_ReturnsOnePredictionPerRow()
    {
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { instances = fixture.Records() })));
    }

    [Fact]
    public async Task InstancesAsArraysInSignatureOrder_ReturnsOnePredictionPerRow()
    {
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { instances = fixture.Rows })));
    }

    [Fact]
    public async Task InputsAsColumnsWithParams_ReturnsOnePredictionPerRow()
    {
        var columns = fixture.Columns.Select((c, i) => (c, fixture.Rows.Select(r => r[i]).ToArray())).ToDictionary(x => x.c, x => x.Item2);
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { inputs = columns, @params = new { threshold = 0.5 } })));
    }

    [Fact]
    public async Task InputsAsRecords_ReturnsOnePredictionPerRow()
    {
        AssertExpected(await fixture.PostAsync(Invocations, Json(new { inputs = fixture.Records() })));
    }

    [Fact]
    public async Task Csv_WithHeader_ReturnsOnePredictionPerRow()
    {
        var csv = new StringBuilder(string.Join(',', fixture.Columns)).Append("\r\n");
        foreach (var row in fixture.Rows)
        {
            csv.Append(string.Join(',', row.Select(v => v.ValueKind == JsonValueKind.Null ? string.Empty : v.GetDouble().ToString("R", CultureInfo.InvariantCulture)))).Append("\r\n");
        }

        AssertExpected(await fixture.PostAsync(Invocations, csv.ToString(), "text/csv; charset=utf-8"));
    }

    [Fact]
    public async Task Csv_RowOfWrongLengthAndTextInANumericColumn_Is400NamingBoth()
    {
        var header = string.Join(',', fixture.Columns);
        var good = string.Join(',', fixture.Columns.Select((_, i) => i == 0 ? "abc" : "1.5"));
        var bad = good.Replace("abc,", string.Empty, StringComparison.Ordinal);
        var csvShape = await fixture.PostAsync(Invocations, $"{header}\n{good}\n{bad}\n", "text/csv");
        Assert.Equal(400, csvShape.Status);
        Assert.Equal("BAD_REQUEST", csvShape.ErrorCode);
        Assert.Contains("row 1: has 29 fields, the header has 30", csvShape["message"].GetString(), StringComparison.Ordinal);

        var csvType = await fixture.PostAsync(Invocations, $"{header}\n{good}\n", "text/csv");
        Assert.Equal(400, csvType.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", csvType.ErrorCode);
        Assert.Contains($"row 0: {fixture.Columns[0]}: expected a number", csvType["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_ReadsMissingCellsWithTheRuleTheModelWasTrainedWith()
    {
        // The same package, recorded as trained with na_values [NA] (keel-ml.json missing_values).
        var directory = Path.Combine(fixture.Folder, "na-model");
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(fixture.PackageDirectory))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }

        var descriptor = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "keel-ml.json")))!.AsObject();
        descriptor["missing_values"] = new System.Text.Json.Nodes.JsonObject { ["na_values"] = new System.Text.Json.Nodes.JsonArray("NA"), ["keep_default_na"] = true };
        File.WriteAllText(Path.Combine(directory, "keel-ml.json"), descriptor.ToJsonString());
        await fixture.Factory.Services.GetRequiredService<ServedModelRegistry>().LoadDirectoryAsync("bc-na", directory, TestContext.Current.CancellationToken);

        var header = string.Join(',', fixture.Columns);
        var row = string.Join(',', fixture.Rows[0].Select((cell, i) => i == 0 ? "NA" : cell.ToString()));
        var csv = $"{header}\n{row}\n";

        var asTrained = await fixture.PostAsync("/serving/bc-na/invocations", csv, "text/csv");
        Assert.Equal(200, asTrained.Status);
        Assert.Single(asTrained["predictions"].EnumerateArray());

        // The model trained with the default rule reads "NA" as text, which a numeric column refuses.
        var defaultRule = await fixture.PostAsync(Invocations, csv, "text/csv");
        Assert.Equal(400, defaultRule.Status);
        Assert.Contains($"row 0: {fixture.Columns[0]}: expected a number", defaultRule["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_Empty_Is400()
    {
        var answer = await fixture.PostAsync(Invocations, string.Empty, "text/csv");
        Assert.Equal(400, answer.Status);
        Assert.Equal("BAD_REQUEST", answer.ErrorCode);
    }

    [Fact]
    public async Task UnknownColumns_AreLeftOutAsMlflowDoes_AndNamedInAResponseHeader()
    {
        var records = fixture.Records();
        foreach (var record in records)
        {
            record["shoe_size"] = JsonSerializer.SerializeToElement(42);
            record["café, ümlaut"] = JsonSerializer.SerializeToElement("x");
        }

        using var body = new StringContent(Json(new { dataframe_records = records }), Encoding.UTF8, "application/json");
        using var response = await fixture.Client.PostAsync(Invocations, body, TestContext.Current.CancellationToken);
        var answer = new ApiAnswer((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone(), string.Empty);

        AssertExpected(answer);
        Assert.Equal("caf%C3%A9%2C%20%C3%BCmlaut,shoe_size", Assert.Single(response.Headers.GetValues("X-Keel-Ignored-Columns")));
    }

    [Fact]
    public async Task PredictProba_GivesEveryClassProbabilityByName_AsParamsAsks()
    {
        var answer = await fixture.PostAsync(Invocations, Json(new { dataframe_split = new { columns = fixture.Columns, data = fixture.Rows }, @params = new { predict_method = "predict_proba" } }));

        AssertExpected(answer);
        var predictions = answer["predictions"].EnumerateArray().ToArray();
        for (var i = 0; i < predictions.Length; i++)
        {
            var all = predictions[i].GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(2, all.Count);
            Assert.Equal(1.0, all.Values.Sum(), 12);
            // "probability" is P(positive class), the second class.
            Assert.Equal(fixture.Expected[i].Probability!.Value, all.Values.Last(), 12);
        }

        var plain = await fixture.PostAsync(Invocations, Json(new { dataframe_split = new { columns = fixture.Columns, data = fixture.Rows } }));
        Assert.False(plain["predictions"][0].TryGetProperty("probabilities", out _));
        var bad = await fixture.PostAsync(Invocations, Json(new { dataframe_split = new { columns = fixture.Columns, data = fixture.Rows }, @params = new { predict_method = 3 } }));
        Assert.Equal(400, bad.Status);
        Assert.Contains("params.predict_method", bad["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrictColumns_UnknownColumn_Is400NamingIt()
    {
        await using var strict = new KeelApiFactory();
        strict.Settings["Keel:Serving:StrictColumns"] = "true";
        using var client = strict.CreateClient();
        await strict.Services.GetRequiredService<ServedModelRegistry>().LoadDirectoryAsync("bc", fixture.PackageDirectory, TestContext.Current.CancellationToken);
        var records = fixture.Records();
        records[0]["shoe_size"] = JsonSerializer.SerializeToElement(42);

        using var body = new StringContent(Json(new { dataframe_records = records }), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(Invocations, body, TestContext.Current.CancellationToken);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("row 0: shoe_size: not an input of this model", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_ReadyModel_Is200()
    {
        using var response = await fixture.Client.GetAsync("/serving/bc/ping");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task UnknownModel_Is404WithMlflowError()
    {
        var answer = await fixture.PostAsync("/serving/nope/invocations", Json(new { instances = fixture.Rows }));
        Assert.Equal(404, answer.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", answer.ErrorCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task OtherContentType_Is415WithMlflowError(string contentType)
    {
        var answer = await fixture.PostAsync(Invocations, "{}", contentType);
        Assert.Equal(415, answer.Status);
        Assert.Equal("BAD_REQUEST", answer.ErrorCode);
        Assert.Contains("text/csv", answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJson_Is400BadRequest()
    {
        var answer = await fixture.PostAsync(Invocations, "{\"instances\": [");
        Assert.Equal(400, answer.Status);
        Assert.Equal("BAD_REQUEST", answer.ErrorCode);
        Assert.Contains("Malformed JSON", answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFormatKey_Is400NamingTheFormats()
    {
        var answer = await fixture.PostAsync(Invocations, Json(new { rows = fixture.Rows }));
        Assert.Equal(400, answer.Status);
        Assert.Equal("BAD_REQUEST", answer.ErrorCode);
        Assert.Contains("dataframe_split", answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyInput_Is400()
    {
        var answer = await fixture.PostAsync(Invocations, Json(new { dataframe_records = Array.Empty<object>() }));
        Assert.Equal(400, answer.Status);
        Assert.Equal("BAD_REQUEST", answer.ErrorCode);
        Assert.Contains("no rows", answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingColumnAndWrongType_Is400NamingEveryProblem()
    {
        var records = fixture.Records();
        records[0].Remove(fixture.Columns[0]);
        records[1][fixture.Columns[1]] = JsonSerializer.SerializeToElement("big");
        var answer = await fixture.PostAsync(Invocations, Json(new { dataframe_records = records }));
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
        var message = answer["message"].GetString()!;
        Assert.Contains($"row 0: {fixture.Columns[0]}: missing", message, StringComparison.Ordinal);
        Assert.Contains($"row 1: {fixture.Columns[1]}: expected a number", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowOfWrongLength_Is400NamingTheRow()
    {
        var answer = await fixture.PostAsync(Invocations, Json(new { dataframe_split = new { columns = fixture.Columns, data = new[] { fixture.Rows[0], fixture.Rows[1][..2] } } }));
        Assert.Equal(400, answer.Status);
        Assert.Contains("dataframe_split.data[1]: has 2 values", answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParallelRequests_ReturnTheSamePredictionsAsSequentialScoring()
    {
        var body = Json(new { dataframe_records = fixture.Records() });
        var single = fixture.Records().Select(r => Json(new { dataframe_records = new[] { r } })).ToArray();
        var tasks = Enumerable.Range(0, 64).Select(i => i % 2 == 0
            ? fixture.PostAsync(Invocations, body)
            : fixture.PostAsync(Invocations, single[i % single.Length])).ToArray();
        var answers = await Task.WhenAll(tasks);
        for (var i = 0; i < answers.Length; i++)
        {
            if (i % 2 == 0)
            {
                AssertExpected(answers[i]);
                continue;
            }

            Assert.Equal(200, answers[i].Status);
            var prediction = Assert.Single(answers[i]["predictions"].EnumerateArray());
            var expected = fixture.Expected[i % single.Length];
            Assert.Equal(expected.Label, prediction.GetProperty("predicted_label").GetString());
            Assert.Equal(expected.Probability!.Value, prediction.GetProperty("probability").GetDouble(), 12);
        }
    }

    [Fact]
    public async Task AdminApi_LoadsFromRegistryListsAndRemoves()
    {
        var client = fixture.Client;
        var experimentId = await client.CreateExperimentAsync();
        var runId = await client.CreateRunAsync(experimentId);
        var run = await fixture.Factory.Services.GetRequiredService<ITrackingStore>().GetRunAsync(runId);
        var artifacts = fixture.Factory.Services.GetRequiredService<IArtifactStore>();
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        foreach (var file in Directory.GetFiles(fixture.PackageDirectory))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetFileName(file)}", stream);
        }

        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = "bc-registry" })).Status);
        Assert.Equal(200, (await client.ApiPostAsync("model-versions/create", new { name = "bc-registry", source = $"runs:/{runId}/model", run_id = runId })).Status);

        var loaded = await client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = "from-registry", model_uri = "models:/bc-registry/1" });
        Assert.Equal(200, loaded.Status);
        Assert.Equal("1", loaded["model"].GetProperty("version").GetString());
        Assert.True(loaded["model"].GetProperty("ready").GetBoolean());

        AssertExpected(await fixture.PostAsync("/serving/from-registry/invocations", Json(new { dataframe_records = fixture.Records() })));
        var list = await client.ApiGetAsync("/api/2.0/keel/serving/models");
        Assert.Contains(list["models"].EnumerateArray(), m => m.GetProperty("name").GetString() == "from-registry");

        Assert.True(fixture.Factory.Services.GetRequiredService<Keel.Server.Serving.ServedModelRegistry>().TryGet("from-registry", out var served));
        Assert.True(File.Exists(Path.Combine(served.PackageDirectory, "model.zip")));
        Assert.Equal(200, (await client.ApiSendAsync(HttpMethod.Delete, "/api/2.0/keel/serving/models/from-registry")).Status);
        Assert.False(Directory.Exists(served.PackageDirectory));
        Assert.Equal(404, (await fixture.PostAsync("/serving/from-registry/invocations", Json(new { instances = fixture.Rows }))).Status);
    }

    [Fact]
    public async Task AdminApi_BadRequest_NamesEveryProblem()
    {
        var answer = await fixture.Client.ApiPostAsync("/api/2.0/keel/serving/models", new { model_uri = "runs:/x/model" });
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
        Assert.Contains("name:", answer["message"].GetString(), StringComparison.Ordinal);
        Assert.Contains("model_uri:", answer["message"].GetString(), StringComparison.Ordinal);
    }
}
