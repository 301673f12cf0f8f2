using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Tracking;

public sealed class RunsApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> NewRunAsync() => await _client.CreateRunAsync(await _client.CreateExperimentAsync());

    private async Task<JsonElement> GetRunAsync(string runId)
    {
        var answer = await _client.ApiGetAsync($"runs/get?run_id={runId}");
        Assert.Equal(200, answer.Status);
        return answer["run"];
    }

    [Fact]
    public async Task CreateAndGet_ReturnMlflowRunShape()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var created = await _client.ApiPostAsync("runs/create", new { experiment_id = experimentId, user_id = "alice", run_name = "first", start_time = 1234, tags = new[] { new { key = "t", value = "v" } } });
        Assert.Equal(200, created.Status);
        var info = created["run"].GetProperty("info");
        var runId = info.GetProperty("run_id").GetString()!;
        Assert.Equal(runId, info.GetProperty("run_uuid").GetString());
        Assert.Equal("RUNNING", info.GetProperty("status").GetString());
        Assert.Equal("alice", info.GetProperty("user_id").GetString());
        Assert.Equal(1234, info.GetProperty("start_time").GetInt64());
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", info.GetProperty("artifact_uri").GetString());
        var run = await GetRunAsync(runId);
        Assert.Equal("first", run.GetProperty("info").GetProperty("run_name").GetString());
        Assert.Contains(run.GetProperty("data").GetProperty("tags").EnumerateArray(), t => t.GetProperty("key").GetString() == "mlflow.runName");
    }

    [Theory]
    [InlineData("{}", "INVALID_PARAMETER_VALUE", 400)]
    [InlineData("{\"experiment_id\":\"424242\"}", "RESOURCE_DOES_NOT_EXIST", 404)]
    [InlineData("{\"experiment_id\":\"0\",\"start_time\":-5}", "INVALID_PARAMETER_VALUE", 400)]
    [InlineData("{\"experiment_id\":\"0\",\"tags\":[{\"key\":\"bad!\",\"value\":\"v\"}]}", "INVALID_PARAMETER_VALUE", 400)]
    public async Task Create_BadInput_IsRefused(string body, string code, int status)
    {
        var answer = await _client.ApiPostAsync("runs/create", body);
        Assert.Equal(status, answer.Status);
        Assert.Equal(code, answer.ErrorCode);
    }

    [Theory]
    [InlineData("runs/get?run_id=0123456789abcdef0123456789abcdef", "RESOURCE_DOES_NOT_EXIST", 404)]
    [InlineData("runs/get?run_id=not-a-run", "INVALID_PARAMETER_VALUE", 400)]
    [InlineData("runs/get", "INVALID_PARAMETER_VALUE", 400)]
    public async Task Get_BadInput_IsRefused(string query, string code, int status)
    {
        var answer = await _client.ApiGetAsync(query);
        Assert.Equal(status, answer.Status);
        Assert.Equal(code, answer.ErrorCode);
    }

    [Fact]
    public async Task Get_AcceptsDeprecatedRunUuid()
    {
        var runId = await NewRunAsync();
        Assert.Equal(200, (await _client.ApiGetAsync($"runs/get?run_uuid={runId}")).Status);
    }

    [Fact]
    public async Task Update_ReturnsRunInfo()
    {
        var runId = await NewRunAsync();
        var answer = await _client.ApiPostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 9999, run_name = "done" });
        Assert.Equal(200, answer.Status);
        var info = answer["run_info"];
        Assert.Equal("FINISHED", info.GetProperty("status").GetString());
        Assert.Equal(9999, info.GetProperty("end_time").GetInt64());
        Assert.Equal("done", info.GetProperty("run_name").GetString());
        var bad = await _client.ApiPostAsync("runs/update", new { run_id = runId, status = "EXPLODED" });
        Assert.Equal(400, bad.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", bad.ErrorCode);
    }

    [Fact]
    public async Task DeleteAndRestore_AndWritesToDeletedRunAreRefused()
    {
        var runId = await NewRunAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("runs/delete", new { run_id = runId })).Status);
        Assert.Equal("deleted", (await GetRunAsync(runId)).GetProperty("info").GetProperty("lifecycle_stage").GetString());
        var refused = await _client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "m", value = 1, timestamp = 1 });
        Assert.Equal("INVALID_PARAMETER_VALUE", refused.ErrorCode);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/restore", new { run_id = runId })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "m", value = 1, timestamp = 1 })).Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiPostAsync("runs/delete", new { run_id = "0123456789abcdef0123456789abcdef" })).ErrorCode);
    }

    [Fact]
    public async Task LogMetric_NaNAndInfinity_RoundTripAsMlflow()
    {
        var runId = await NewRunAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-metric", "{\"run_id\":\"" + runId + "\",\"key\":\"nan\",\"value\":\"NaN\",\"timestamp\":1}")).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-metric", "{\"run_id\":\"" + runId + "\",\"key\":\"inf\",\"value\":\"Infinity\",\"timestamp\":1}")).Status);
        var history = await _client.ApiGetAsync($"metrics/get-history?run_id={runId}&metric_key=nan");
        Assert.Equal("NaN", history["metrics"][0].GetProperty("value").GetString());
        var metrics = (await GetRunAsync(runId)).GetProperty("data").GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value"));
        Assert.Equal(double.MaxValue, metrics["inf"].GetDouble());
    }

    [Theory]
    [InlineData("{\"key\":\"m\",\"value\":1,\"timestamp\":1}")]
    [InlineData("{\"key\":\"m\",\"timestamp\":1}")]
    [InlineData("{\"key\":\"m\",\"value\":1}")]
    [InlineData("{\"key\":\"bad key!\",\"value\":1,\"timestamp\":1}")]
    [InlineData("{\"key\":\"m\",\"value\":\"abc\",\"timestamp\":1}")]
    [InlineData("{\"key\":\"m\",\"value\":1,\"timestamp\":-1}")]
    public async Task LogMetric_BadInput_IsInvalidParameterValue(string partial)
    {
        var runId = await NewRunAsync();
        var body = partial.Contains("\"value\":1,\"timestamp\":1}", StringComparison.Ordinal) && partial.StartsWith("{\"key\":\"m\"", StringComparison.Ordinal)
            ? partial
            : partial.Insert(1, "\"run_id\":\"" + runId + "\",");
        var answer = await _client.ApiPostAsync("runs/log-metric", body);
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
    }

    [Fact]
    public async Task LogParameter_IsImmutable()
    {
        var runId = await NewRunAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" })).Status);
        var changed = await _client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.2" });
        Assert.Equal(400, changed.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", changed.ErrorCode);
    }

    [Fact]
    public async Task LongParamAndTagValues_AreTruncatedToMlflowsLimits_AsMlflowsServerDoes()
    {
        var runId = await NewRunAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "long", value = new string('p', 6001) })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "long", value = new string('t', 8001) })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "batch", value = new string('b', 7000) } }, tags = new[] { new { key = "batch", value = new string('c', 9000) } } })).Status);

        // Logging the same long value again is not a change: it is truncated the same way.
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "long", value = new string('p', 6001) })).Status);
        var data = (await GetRunAsync(runId)).GetProperty("data");
        string Value(string kind, string key) => data.GetProperty(kind).EnumerateArray().Single(e => e.GetProperty("key").GetString() == key).GetProperty("value").GetString()!;
        Assert.Equal(new string('p', 6000), Value("params", "long"));
        Assert.Equal(new string('b', 6000), Value("params", "batch"));
        Assert.Equal(new string('t', 8000), Value("tags", "long"));
        Assert.Equal(new string('c', 8000), Value("tags", "batch"));

        // Keys are never truncated.
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = new string('k', 251), value = "v" })).ErrorCode);
    }

    [Fact]
    public async Task SetTagAndDeleteTag()
    {
        var runId = await NewRunAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "env", value = "dev" })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "env", value = "prod" })).Status);
        var tags = (await GetRunAsync(runId)).GetProperty("data").GetProperty("tags").EnumerateArray();
        Assert.Contains(tags, t => t.GetProperty("key").GetString() == "env" && t.GetProperty("value").GetString() == "prod");
        Assert.Equal(200, (await _client.ApiPostAsync("runs/delete-tag", new { run_id = runId, key = "env" })).Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiPostAsync("runs/delete-tag", new { run_id = runId, key = "env" })).ErrorCode);
    }

    [Fact]
    public async Task LogBatch_WritesAllAndEnforcesLimits()
    {
        var runId = await NewRunAsync();
        // 998 metrics + 1 param + 1 tag: exactly MLflow's limit of 1000 entities per batch.
        var metrics = Enumerable.Range(0, 998).Select(i => new { key = "loss", value = 1.0 / (i + 1), timestamp = 1000 + i, step = i }).ToArray();
        var ok = await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics, @params = new[] { new { key = "p", value = "1" } }, tags = new[] { new { key = "t", value = "v" } } });
        Assert.Equal(200, ok.Status);
        var run = await GetRunAsync(runId);
        Assert.Equal(997, run.GetProperty("data").GetProperty("metrics")[0].GetProperty("step").GetInt64());
        var overTotal = await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = metrics.Append(metrics[0]).Append(metrics[1]).ToArray(), @params = new[] { new { key = "p", value = "1" } } });
        Assert.Equal("INVALID_PARAMETER_VALUE", overTotal.ErrorCode);

        var tooMany = Enumerable.Range(0, 1001).Select(i => new { key = "x", value = 1.0, timestamp = 1, step = i }).ToArray();
        var refused = await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = tooMany });
        Assert.Equal(400, refused.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", refused.ErrorCode);
        Assert.Contains("1000", refused["message"].GetString(), StringComparison.Ordinal);

        var manyParams = Enumerable.Range(0, 101).Select(i => new { key = "p" + i, value = "v" }).ToArray();
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, @params = manyParams })).ErrorCode);
        var manyTags = Enumerable.Range(0, 101).Select(i => new { key = "t" + i, value = "v" }).ToArray();
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, tags = manyTags })).ErrorCode);
        var longKey = await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = new string('k', 251), value = 1.0, timestamp = 1, step = 0 } } });
        Assert.Equal("INVALID_PARAMETER_VALUE", longKey.ErrorCode);
    }

    [Fact]
    public async Task LogInputs_RecordsDatasets()
    {
        var runId = await NewRunAsync();
        var answer = await _client.ApiPostAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = new { name = "credit", digest = "d1g3st", source_type = "local", source = "{}" } } },
        });
        Assert.Equal(200, answer.Status);
        var inputs = (await GetRunAsync(runId)).GetProperty("inputs").GetProperty("dataset_inputs");
        Assert.Equal("credit", inputs[0].GetProperty("dataset").GetProperty("name").GetString());
        var bad = await _client.ApiPostAsync("runs/log-inputs", new { run_id = runId, datasets = new[] { new { dataset = new { name = "x" } } } });
        Assert.Equal("INVALID_PARAMETER_VALUE", bad.ErrorCode);
    }

    [Fact]
    public async Task LogModel_AppendsToModelHistoryTag()
    {
        var runId = await NewRunAsync();
        var model = JsonSerializer.Serialize(new { artifact_path = "model", flavors = new { keel = new { } }, utc_time_created = "2026-11-26 00:00:00", run_id = runId });
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = model })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = model })).Status);
        var tag = (await GetRunAsync(runId)).GetProperty("data").GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("key").GetString() == "mlflow.log-model.history");
        Assert.Equal(2, JsonDocument.Parse(tag.GetProperty("value").GetString()!).RootElement.GetArrayLength());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = "{not json" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = "{\"artifact_path\":\"m\"}" })).ErrorCode);
    }

    [Fact]
    public async Task Search_PagesToTheLastPage()
    {
        var experimentId = await _client.CreateExperimentAsync();
        for (var i = 0; i < 5; i++)
        {
            await _client.CreateRunAsync(experimentId);
        }

        var seen = 0;
        string? token = null;
        do
        {
            var page = await _client.ApiPostAsync("runs/search", new { experiment_ids = new[] { experimentId }, max_results = 2, page_token = token });
            Assert.Equal(200, page.Status);
            seen += page["runs"].GetArrayLength();
            token = page.Json.TryGetProperty("next_page_token", out var t) ? t.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(5, seen);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("runs/search", new { experiment_ids = new[] { experimentId }, max_results = 50001 })).ErrorCode);
    }

    [Fact]
    public async Task MetricHistory_PagesWithMaxResults()
    {
        var runId = await NewRunAsync();
        var metrics = Enumerable.Range(0, 30).Select(i => new { key = "h", value = (double)i, timestamp = 1000 + i, step = i }).ToArray();
        await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics });
        var steps = new List<long>();
        string? token = null;
        do
        {
            var query = $"metrics/get-history?run_id={runId}&metric_key=h&max_results=7" + (token is null ? string.Empty : "&page_token=" + token);
            var page = await _client.ApiGetAsync(query);
            Assert.Equal(200, page.Status);
            steps.AddRange(page["metrics"].EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
            token = page.Json.TryGetProperty("next_page_token", out var t) ? t.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), steps);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync($"metrics/get-history?run_id={runId}&metric_key=h&max_results=25001")).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync($"metrics/get-history?run_id={runId}")).ErrorCode);
    }
}
