using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Registry;

public sealed class RegistryApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static string NewName() => "model-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> ModelAsync(int versions = 0)
    {
        var name = NewName();
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        for (var i = 0; i < versions; i++)
        {
            var v = await _client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/{i}" });
            Assert.Equal(200, v.Status);
        }

        return name;
    }

    [Fact]
    public async Task RegisteredModel_CreateGetRenameUpdateDelete()
    {
        var name = NewName();
        var created = await _client.ApiPostAsync("registered-models/create", new { name, description = "d", tags = new[] { new { key = "team", value = "risk" } } });
        Assert.Equal(200, created.Status);
        var model = created["registered_model"];
        Assert.Equal(name, model.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Number, model.GetProperty("creation_timestamp").ValueKind);
        Assert.Equal("risk", model.GetProperty("tags")[0].GetProperty("value").GetString());

        Assert.Equal("RESOURCE_ALREADY_EXISTS", (await _client.ApiPostAsync("registered-models/create", new { name })).ErrorCode);
        Assert.Equal(200, (await _client.ApiGetAsync($"registered-models/get?name={name}")).Status);
        var renamed = await _client.ApiPostAsync("registered-models/rename", new { name, new_name = name + "-x" });
        Assert.Equal(name + "-x", renamed["registered_model"].GetProperty("name").GetString());
        var updated = await _client.ApiSendAsync(HttpMethod.Patch, "registered-models/update", new { name = name + "-x", description = "new" });
        Assert.Equal("new", updated["registered_model"].GetProperty("description").GetString());
        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Delete, "registered-models/delete", new { name = name + "-x" })).Status);
        var gone = await _client.ApiGetAsync($"registered-models/get?name={name}-x");
        Assert.Equal(404, gone.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", gone.ErrorCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"\"}")]
    [InlineData("{\"name\":\"a/b\"}")]
    [InlineData("{\"name\":\"ok\",\"tags\":[{\"key\":\"bad!\",\"value\":\"v\"}]}")]
    public async Task CreateRegisteredModel_BadInput_IsInvalidParameterValue(string body)
    {
        var answer = await _client.ApiPostAsync("registered-models/create", body);
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
    }

    [Fact]
    public async Task DeleteEndpoints_AcceptQueryStringsToo()
    {
        var name = await ModelAsync();
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/set-tag", new { name, key = "k", value = "v" })).Status);
        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Delete, $"registered-models/delete-tag?name={name}&key=k")).Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiSendAsync(HttpMethod.Delete, $"registered-models/delete-tag?name={name}&key=k")).ErrorCode);
        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Delete, $"registered-models/delete?name={name}")).Status);
    }

    [Fact]
    public async Task ModelVersions_CreateGetUpdateTagDelete()
    {
        var name = await ModelAsync(2);
        var v = await _client.ApiGetAsync($"model-versions/get?name={name}&version=2");
        Assert.Equal(200, v.Status);
        var mv = v["model_version"];
        Assert.Equal("2", mv.GetProperty("version").GetString());
        Assert.Equal("None", mv.GetProperty("current_stage").GetString());
        Assert.Equal("READY", mv.GetProperty("status").GetString());
        var updated = await _client.ApiSendAsync(HttpMethod.Patch, "model-versions/update", new { name, version = "2", description = "better" });
        Assert.Equal("better", updated["model_version"].GetProperty("description").GetString());
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/set-tag", new { name, version = "2", key = "gate", value = "passed" })).Status);
        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "2", key = "gate" })).Status);
        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Delete, "model-versions/delete", new { name, version = "2" })).Status);
        Assert.Equal(404, (await _client.ApiGetAsync($"model-versions/get?name={name}&version=2")).Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync($"model-versions/get?name={name}&version=two")).ErrorCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiPostAsync("model-versions/create", new { name = "no-such-model", source = "mlflow-artifacts:/x" })).ErrorCode);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://evil.example/model")]
    [InlineData("s3://bucket/../model")]
    [InlineData("https://evil.example/a/%2e%2e/etc")]
    [InlineData("/tmp/elsewhere/model")]
    [InlineData("mlflow-artifacts:/../../etc")]
    [InlineData("mlflow-artifacts:/a/%2e%2e/%2e%2e/etc")]
    [InlineData("//proc/self/root/etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("mlflow-artifacts:/x?path=/etc")]
    [InlineData("mlflow-artifacts:/x#../../etc")]
    [InlineData("mlflow-artifacts:/x;/../../etc")]
    [InlineData("runs:/0123456789abcdef0123456789abcdef/../../../etc")]
    public async Task CreateModelVersion_UnsafeSource_IsRefused(string source)
    {
        var name = await ModelAsync();
        var answer = await _client.ApiPostAsync("model-versions/create", new { name, source });
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
    }

    [Fact]
    public async Task TransitionStage_AndLatestVersions()
    {
        var name = await ModelAsync(3);
        var moved = await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production", archive_existing_versions = false });
        Assert.Equal("Production", moved["model_version"].GetProperty("current_stage").GetString());
        var keelName = await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "2", stage = "production", archive_existing_versions = true });
        Assert.Equal("Production", keelName["model_version"].GetProperty("current_stage").GetString());
        var latest = await _client.ApiPostAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Production" } });
        Assert.Equal("2", latest["model_versions"][0].GetProperty("version").GetString());
        var viaGet = await _client.ApiGetAsync($"registered-models/get-latest-versions?name={name}&stages=Archived");
        Assert.Equal("1", viaGet["model_versions"][0].GetProperty("version").GetString());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "3", stage = "Live" })).ErrorCode);
    }

    [Fact]
    public async Task Aliases_SetGetDelete_WithMlflowRules()
    {
        var name = await ModelAsync(2);
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" })).Status);
        var got = await _client.ApiGetAsync($"registered-models/alias?name={name}&alias=champion");
        Assert.Equal("2", got["model_version"].GetProperty("version").GetString());
        Assert.Equal("champion", got["model_version"].GetProperty("aliases")[0].GetString());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("registered-models/alias", new { name, alias = "latest", version = "1" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("registered-models/alias", new { name, alias = "v3", version = "1" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("registered-models/alias", new { name, alias = "bad alias", version = "1" })).ErrorCode);
        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" })).Status);
        // As MLflow: a missing alias is 400 INVALID_PARAMETER_VALUE; a missing model stays 404.
        var missing = await _client.ApiGetAsync($"registered-models/alias?name={name}&alias=champion");
        Assert.Equal(400, missing.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", missing.ErrorCode);
        Assert.Equal(404, (await _client.ApiGetAsync($"registered-models/alias?name={name}-none&alias=champion")).Status);

        // Keel's resolver: a models:/ URI naming no version is RESOURCE_DOES_NOT_EXIST, as for a stage.
        var resolved = await _client.GetAsync($"/api/2.0/keel/registry/resolve?uri=models:/{name}@champion", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, resolved.StatusCode);
    }

    [Fact]
    public async Task Search_ModelsAndVersions_Page()
    {
        var prefix = await ModelAsync(3);
        await ModelAsync(); // Two models at least, whichever tests of this class ran before.
        var models = await _client.ApiGetAsync("registered-models/search?max_results=1");
        Assert.Equal(200, models.Status);
        Assert.Equal(1, models["registered_models"].GetArrayLength());
        Assert.True(models.Json.TryGetProperty("next_page_token", out _));
        var versions = await _client.ApiGetAsync("model-versions/search?max_results=2");
        Assert.Equal(2, versions["model_versions"].GetArrayLength());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync("registered-models/search?max_results=1001")).ErrorCode);
        Assert.NotNull(prefix);
    }

    [Fact]
    public async Task DownloadUri_ResolvesRunSources()
    {
        var experiment = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experiment);
        var name = await ModelAsync();
        var created = await _client.ApiPostAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId });
        Assert.Equal(200, created.Status);
        var uri = await _client.ApiGetAsync($"model-versions/get-download-uri?name={name}&version=1");
        Assert.Equal($"mlflow-artifacts:/{experiment}/{runId}/artifacts/model", uri["artifact_uri"].GetString());
    }

    [Fact]
    public async Task AuditTrail_RecordsWhoAndWhy_AndHeldAtAnswers()
    {
        var name = await ModelAsync(2);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1;
        await _client.ApiSendAsync(HttpMethod.Post, "model-versions/transition-stage", new { name, version = "1", stage = "Production", comment = "passed gates" }, user: "carol");
        var events = await _client.ApiGetAsync($"/api/2.0/keel/registry/events?name={name}");
        Assert.Equal(200, events.Status);
        var transition = events["events"].EnumerateArray().Last();
        Assert.Equal("stage_transition", transition.GetProperty("kind").GetString());
        Assert.Equal("carol", transition.GetProperty("user").GetString());
        Assert.Equal("passed gates", transition.GetProperty("comment").GetString());
        Assert.Equal("Production", transition.GetProperty("to").GetString());

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000;
        var held = await _client.ApiGetAsync($"/api/2.0/keel/registry/held-at?name={name}&stage=production&at={now}");
        Assert.Equal("1", held["versions"][0].GetString());
        var earlier = await _client.ApiGetAsync($"/api/2.0/keel/registry/held-at?name={name}&stage=Production&at={before - 60_000}");
        Assert.Equal(0, earlier["versions"].GetArrayLength());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync($"/api/2.0/keel/registry/held-at?name={name}&at={now}")).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync($"/api/2.0/keel/registry/held-at?name={name}&stage=Production&at=yesterday")).ErrorCode);
    }

    [Fact]
    public async Task Rollback_StageAndAlias_OverHttp()
    {
        var name = await ModelAsync(2);
        await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production", archive_existing_versions = true });
        await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Production", archive_existing_versions = true });
        var back = await _client.ApiPostAsync("/api/2.0/keel/registry/rollback", new { name, stage = "production", comment = "latency" });
        Assert.Equal(200, back.Status);
        Assert.Equal("1", back["model_version"].GetProperty("version").GetString());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("/api/2.0/keel/registry/rollback", new { name, stage = "production" })).ErrorCode);

        await _client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        await _client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" });
        var aliasBack = await _client.ApiPostAsync("/api/2.0/keel/registry/rollback", new { name, alias = "champion" });
        Assert.Equal("1", aliasBack["model_version"].GetProperty("version").GetString());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("/api/2.0/keel/registry/rollback", new { name, stage = "Production", alias = "champion" })).ErrorCode);
    }

    [Fact]
    public async Task Lineage_RecordsRunDatasetsAndMetrics()
    {
        var experiment = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experiment);
        await _client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "accuracy_score", value = 0.93, timestamp = 1, step = 0 } }, @params = new[] { new { key = "trainer", value = "FastTree" } } });
        await _client.ApiPostAsync("runs/log-inputs", new { run_id = runId, datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = new { name = "credit", digest = "abc123", source_type = "local", source = "credit.csv" } } } });
        var name = await ModelAsync();
        await _client.ApiPostAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId });
        var lineage = await _client.ApiGetAsync($"/api/2.0/keel/registry/lineage?name={name}&version=1");
        Assert.Equal(200, lineage.Status);
        var l = lineage["lineage"];
        Assert.Equal(runId, l.GetProperty("run_id").GetString());
        Assert.Equal("abc123", l.GetProperty("datasets")[0].GetProperty("digest").GetString());
        Assert.Equal("training", l.GetProperty("datasets")[0].GetProperty("context").GetString());
        Assert.Equal(0.93, l.GetProperty("metrics").GetProperty("accuracy_score").GetDouble());
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("model-versions/create", new { name, source = "runs:/0123456789abcdef0123456789abcdef/model", run_id = "0123456789abcdef0123456789abcdef" })).ErrorCode);
    }

    [Theory]
    [InlineData("models:/{0}/2", "2")]
    [InlineData("models:/{0}@champion", "1")]
    [InlineData("models:/{0}/Production", "2")]
    [InlineData("models:/{0}/production", "2")]
    [InlineData("models:/{0}/latest", "3")]
    public async Task ModelUris_Resolve(string pattern, string expected)
    {
        var name = await ModelAsync(3);
        await _client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Production" });
        var uri = Uri.EscapeDataString(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, name));
        var resolved = await _client.ApiGetAsync($"/api/2.0/keel/registry/resolve?uri={uri}");
        Assert.Equal(200, resolved.Status);
        Assert.Equal(expected, resolved["model_version"].GetProperty("version").GetString());
    }

    [Fact]
    public async Task ModelUris_BadOrUnknown_AreClearErrors()
    {
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiGetAsync("/api/2.0/keel/registry/resolve?uri=models%3A%2F")).ErrorCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiGetAsync("/api/2.0/keel/registry/resolve?uri=models%3A%2Fnobody%2F1")).ErrorCode);
    }
}

public sealed class PromotionGuardApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> ModelWithFailedVersionAsync()
    {
        var name = "gated-" + Guid.NewGuid().ToString("N")[..8];
        await _client.ApiPostAsync("registered-models/create", new { name });
        await _client.ApiPostAsync("model-versions/create", new { name, source = "mlflow-artifacts:/m/1" });
        await _client.ApiPostAsync("model-versions/set-tag", new { name, version = "1", key = "keel.validation.status", value = "failed: 1 of 3 checks" });
        return name;
    }

    [Fact]
    public async Task FailedGates_BlockProductionStageAndChampionAlias()
    {
        var name = await ModelWithFailedVersionAsync();
        var stage = await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production" });
        Assert.Equal(400, stage.Status);
        Assert.Contains("failed its validation gates", stage["message"].GetString(), StringComparison.Ordinal);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "1" })).ErrorCode);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/alias", new { name, alias = "challenger", version = "1" })).Status);
    }

    [Fact]
    public async Task ForcingNeedsAReason_WhichTheAuditTrailKeeps()
    {
        var name = await ModelWithFailedVersionAsync();
        Assert.Equal("INVALID_PARAMETER_VALUE", (await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production", force = true })).ErrorCode);
        var forced = await _client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production", force = true, comment = "hotfix approved by risk team" });
        Assert.Equal(200, forced.Status);
        var events = await _client.ApiGetAsync($"/api/2.0/keel/registry/events?name={name}");
        var last = events["events"].EnumerateArray().Last();
        Assert.Contains("forced past failed gates", last.GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Contains("hotfix approved by risk team", last.GetProperty("comment").GetString(), StringComparison.Ordinal);
    }
}
