using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Serving;

[Collection(ServingCollection.Name)]
public sealed class OpenInferenceApiTests(ServingFixture fixture)
{
    private const string Infer = "/v2/models/bc/infer";

    private object ColumnTensors(bool nested = false) => fixture.Columns.Select((c, i) => new
    {
        name = c,
        shape = nested ? new[] { fixture.Rows.Length, 1 } : new[] { fixture.Rows.Length },
        datatype = "FP64",
        data = nested ? (object)fixture.Rows.Select(r => new[] { r[i] }).ToArray() : fixture.Rows.Select(r => r[i]).ToArray(),
    }).ToArray();

    private void AssertExpected(ApiAnswer answer)
    {
        Assert.Equal(200, answer.Status);
        Assert.Equal("bc", answer["model_name"].GetString());
        var outputs = answer["outputs"].EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var labels = outputs["predicted_label"];
        var probabilities = outputs["probability"];
        Assert.Equal("BYTES", labels.GetProperty("datatype").GetString());
        Assert.Equal("FP64", probabilities.GetProperty("datatype").GetString());
        Assert.Equal(fixture.Expected.Count, labels.GetProperty("shape")[0].GetInt32());
        Assert.Equal(fixture.Expected.Select(p => p.Label), labels.GetProperty("data").EnumerateArray().Select(v => v.GetString()));
        var actual = probabilities.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(fixture.Expected[i].Probability!.Value, actual[i], 12);
        }
    }

    [Fact]
    public async Task HealthLiveAndReady_Are200()
    {
        var live = await fixture.Client.ApiGetAsync("/v2/health/live");
        var ready = await fixture.Client.ApiGetAsync("/v2/health/ready");
        Assert.True(live["live"].GetBoolean());
        Assert.Equal(200, ready.Status);
        Assert.True(ready["ready"].GetBoolean());
    }

    [Fact]
    public async Task ServerMetadata_NamesKeelAndItsVersion()
    {
        var answer = await fixture.Client.ApiGetAsync("/v2");
        Assert.Equal(200, answer.Status);
        Assert.Equal("keel", answer["name"].GetString());
        Assert.False(string.IsNullOrEmpty(answer["version"].GetString()));
        Assert.Equal(JsonValueKind.Array, answer["extensions"].ValueKind);
    }

    [Theory]
    [InlineData("/v2/models/bc")]
    [InlineData("/v2/models/bc/versions/{0}")]
    public async Task ModelMetadata_DescribesTensorsFromTheSignature(string path)
    {
        var version = (await fixture.Client.ApiGetAsync("/v2/models/bc"))["versions"][0].GetString();
        var answer = await fixture.Client.ApiGetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, version));
        Assert.Equal(200, answer.Status);
        Assert.Equal("bc", answer["name"].GetString());
        Assert.Equal("mlnet", answer["platform"].GetString());
        var inputs = answer["inputs"].EnumerateArray().ToArray();
        Assert.Equal(fixture.Columns, inputs.Select(i => i.GetProperty("name").GetString()));
        Assert.All(inputs, i => Assert.Equal(-1, i.GetProperty("shape")[0].GetInt32()));
        Assert.Equal(["predicted_label", "probability"], answer["outputs"].EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.Equal(["BYTES", "FP64"], answer["outputs"].EnumerateArray().Select(o => o.GetProperty("datatype").GetString()));
    }

    [Fact]
    public async Task ModelReady_Is200True()
    {
        var answer = await fixture.Client.ApiGetAsync("/v2/models/bc/ready");
        Assert.Equal(200, answer.Status);
        Assert.True(answer["ready"].GetBoolean());
    }

    [Fact]
    public async Task Infer_PredictProba_AddsAProbabilitiesTensorWithTheClassNames()
    {
        var answer = await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { parameters = new { predict_method = "predict_proba" }, inputs = ColumnTensors() }));

        Assert.Equal(200, answer.Status);
        var outputs = answer["outputs"].EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var all = outputs["probabilities"];
        var n = fixture.Expected.Count;
        Assert.Equal([n, 2], all.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
        var classes = all.GetProperty("parameters").GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(2, classes.Length);
        var data = all.GetProperty("data").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var i = 0; i < n; i++)
        {
            // Binary: [P(classes[0]), P(classes[1])], the second being the probability output.
            Assert.Equal(fixture.Expected[i].Probability!.Value, data[(2 * i) + 1], 12);
            Assert.Equal(1.0, data[2 * i] + data[(2 * i) + 1], 12);
        }

        var bad = await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { parameters = new { predict_method = "predict_log_proba" }, inputs = ColumnTensors() }));
        Assert.Equal(400, bad.Status);
        Assert.Contains("parameters.predict_method", bad.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownModelOrVersion_Is404WithOipError()
    {
        var model = await fixture.Client.ApiGetAsync("/v2/models/nope");
        var version = await fixture.Client.ApiGetAsync("/v2/models/bc/versions/999/ready");
        var infer = await fixture.PostAsync("/v2/models/nope/infer", JsonSerializer.Serialize(new { inputs = ColumnTensors() }));
        foreach (var answer in new[] { model, version, infer })
        {
            Assert.Equal(404, answer.Status);
            Assert.False(string.IsNullOrEmpty(answer["error"].GetString()));
        }
    }

    [Fact]
    public async Task InferWithColumnTensors_EchoesTheIdAndReturnsOutputTensors()
    {
        var answer = await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { id = "req-42", parameters = new { content_type = "pd" }, inputs = ColumnTensors() }));
        AssertExpected(answer);
        Assert.Equal("req-42", answer["id"].GetString());
    }

    [Fact]
    public async Task InferWithNestedNBy1Tensors_ReturnsOutputTensors()
    {
        AssertExpected(await fixture.PostAsync("/v2/models/bc/versions/" + (await fixture.Client.ApiGetAsync("/v2/models/bc"))["versions"][0].GetString() + "/infer",
            JsonSerializer.Serialize(new { inputs = ColumnTensors(nested: true) })));
    }

    [Fact]
    public async Task InferWithOne2DTensor_UsesSignatureColumnOrder()
    {
        var data = fixture.Rows.SelectMany(r => r).ToArray();
        var tensor = new { name = "input-0", shape = new[] { fixture.Rows.Length, fixture.Columns.Length }, datatype = "FP64", data };
        AssertExpected(await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { inputs = new[] { tensor } })));
    }

    [Fact]
    public async Task InferWithMissingColumnAndWrongDatatype_Is400NamingBoth()
    {
        var tensors = fixture.Columns.Skip(1).Select((c, i) => new
        {
            name = c,
            shape = new[] { fixture.Rows.Length },
            datatype = i == 0 ? "BYTES" : "FP64",
            data = fixture.Rows.Select(r => r[i + 1]).ToArray(),
        }).ToArray();
        var answer = await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { inputs = tensors }));
        Assert.Equal(400, answer.Status);
        var error = answer["error"].GetString()!;
        Assert.Contains($"input {fixture.Columns[0]}: missing", error, StringComparison.Ordinal);
        Assert.Contains($"input {fixture.Columns[1]}: datatype BYTES", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferWithShapeNotMatchingData_Is400()
    {
        var tensor = new { name = fixture.Columns[0], shape = new[] { 3 }, datatype = "FP64", data = new[] { 1.0 } };
        var answer = await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { inputs = new[] { tensor } }));
        Assert.Equal(400, answer.Status);
        Assert.Contains("needs 3 values, data has 1", answer["error"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferWithMalformedJsonOrNoInputs_Is400WithOipError()
    {
        var malformed = await fixture.PostAsync(Infer, "{\"inputs\": [");
        var empty = await fixture.PostAsync(Infer, "{\"inputs\": []}");
        Assert.Equal(400, malformed.Status);
        Assert.Contains("Malformed JSON", malformed["error"].GetString(), StringComparison.Ordinal);
        Assert.Equal(400, empty.Status);
        Assert.Contains("inputs", empty["error"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferWithWrongValueType_Is400FromTheSignatureCheck()
    {
        var tensors = fixture.Columns.Select((c, i) => new
        {
            name = c,
            shape = new[] { 1 },
            datatype = "FP64",
            data = i == 0 ? new object[] { "x" } : [fixture.Rows[0][i]],
        }).ToArray();
        var answer = await fixture.PostAsync(Infer, JsonSerializer.Serialize(new { inputs = tensors }));
        Assert.Equal(400, answer.Status);
        Assert.Contains($"row 0: {fixture.Columns[0]}: expected a number", answer["error"].GetString(), StringComparison.Ordinal);
    }
}
