using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Deployments;

public sealed class DeploymentsApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private const string Api = "/api/2.0/keel/deployments/";
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> ModelAsync(int versions)
    {
        var name = "model-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        for (var i = 0; i < versions; i++)
        {
            Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/{i}" })).Status);
        }

        return name;
    }

    private static object Spec(string name, string model, string version) => new
    {
        name,
        model,
        version,
        strategy = "canary",
        steps = new object[] { new { set_weight = 10 }, new { pause = new { duration = "5m" } }, new { analysis = new { } }, new { set_weight = 50 } },
        gates = new { error_rate = new { max_increase = 0.01 }, latency_p99 = new { max_ratio = 1.5 } },
    };

    private async Task<ApiAnswer> PostAsync(string verb, object body, string? user = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api + verb)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (user is not null)
        {
            request.Headers.Add("X-Keel-User", user);
        }

        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiAnswer((int)response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, text);
    }

    private async Task<string?> AliasTargetAsync(string model, string alias = "production")
    {
        var answer = await _client.ApiGetAsync($"registered-models/alias?name={model}&alias={alias}");
        return answer.Status == 200 ? answer["model_version"].GetProperty("version").GetString() : null;
    }

    private async Task<List<JsonElement>> HistoryAsync(string name) =>
        (await _client.ApiGetAsync($"{Api}history?name={name}"))["events"].EnumerateArray().ToList();

    [Fact]
    public async Task Create_IsIdleOnTheStableVersion_PointsProductionAtIt_AndIsListedAndRead()
    {
        var model = await ModelAsync(2);
        var name = "dep-" + model;
        var created = await PostAsync("create", new { spec = Spec(name, model, "1"), comment = "first release" }, user: "alice");
        Assert.Equal(200, created.Status);
        var d = created["deployment"];
        Assert.Equal(("idle", "canary", "1", 1L), (d.GetProperty("state").GetString(), d.GetProperty("strategy").GetString(), d.GetProperty("stable_version").GetString(), d.GetProperty("revision").GetInt64()));
        Assert.Equal(model, d.GetProperty("model").GetString());
        Assert.Equal(10, d.GetProperty("spec").GetProperty("steps")[0].GetProperty("set_weight").GetInt32());
        Assert.Equal("1", await AliasTargetAsync(model));

        Assert.Equal("idle", (await _client.ApiGetAsync($"{Api}get?name={name}"))["deployment"].GetProperty("state").GetString());
        var list = await _client.ApiGetAsync($"{Api}list?max_results=1000");
        Assert.Contains(list["deployments"].EnumerateArray(), e => e.GetProperty("name").GetString() == name);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (await PostAsync("create", new { spec = Spec(name, model, "1") })).ErrorCode);
        var history = await HistoryAsync(name);
        Assert.Equal(("created", "alice", "first release"), (history[0].GetProperty("kind").GetString(), history[0].GetProperty("user").GetString(), history[0].GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Apply_TheSameSpecTwice_ChangesNothing_AndANewVersionStartsARollout()
    {
        var model = await ModelAsync(2);
        var name = "dep-" + model;
        var first = await PostAsync("apply", new { spec = Spec(name, model, "1") });
        Assert.Equal("created", first["change"].GetString());
        var again = await PostAsync("apply", new { spec = Spec(name, model, "1") });
        Assert.Equal(200, again.Status);
        Assert.False(again.Json.TryGetProperty("change", out _));
        Assert.Equal(1L, again["deployment"].GetProperty("revision").GetInt64());
        Assert.Single(await HistoryAsync(name));

        var rollout = await PostAsync("apply", new { spec = Spec(name, model, "2") });
        Assert.Equal("rollout_started", rollout["change"].GetString());
        var d = rollout["deployment"];
        Assert.Equal(("progressing", "2", 10, 0), (d.GetProperty("state").GetString(), d.GetProperty("candidate_version").GetString(), d.GetProperty("candidate_weight").GetInt32(), d.GetProperty("step_index").GetInt32()));
        Assert.False((await PostAsync("apply", new { spec = Spec(name, model, "2") })).Json.TryGetProperty("change", out _));
        Assert.Equal(2, (await HistoryAsync(name)).Count);
        Assert.Equal("1", await AliasTargetAsync(model));
    }

    [Fact]
    public async Task Promote_MovesProduction_AndTheRegistryTrailSaysWhoWhenAndWhy()
    {
        var model = await ModelAsync(2);
        var name = "dep-" + model;
        await PostAsync("apply", new { spec = Spec(name, model, "1") });
        await PostAsync("apply", new { spec = Spec(name, model, "2") });
        var promoted = await PostAsync("promote", new { name, comment = "looks good" }, user: "bob");
        Assert.Equal(200, promoted.Status);
        var d = promoted["deployment"];
        Assert.Equal(("promoted", "2", "1"), (d.GetProperty("state").GetString(), d.GetProperty("stable_version").GetString(), d.GetProperty("previous_stable_version").GetString()));
        Assert.Equal("2", await AliasTargetAsync(model));

        var trail = (await _client.ApiGetAsync($"/api/2.0/keel/registry/events?name={model}"))["events"].EnumerateArray().ToList();
        var audited = trail.Single(e => e.GetProperty("kind").GetString() == "deployment_promoted");
        Assert.Equal(("bob", $"deployment:{name}", "progressing", "promoted"), (audited.GetProperty("user").GetString(), audited.GetProperty("target").GetString(), audited.GetProperty("from").GetString(), audited.GetProperty("to").GetString()));
        Assert.Contains("looks good", audited.GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, audited.GetProperty("timestamp").ValueKind);
        var aliasMove = trail.Last(e => e.GetProperty("kind").GetString() == "alias_set");
        Assert.Equal(("bob", "2"), (aliasMove.GetProperty("user").GetString(), aliasMove.GetProperty("version").GetString()));
        Assert.Contains($"deployment '{name}'", aliasMove.GetProperty("comment").GetString(), StringComparison.Ordinal);

        var back = await PostAsync("rollback", new { name, comment = "regression in prod" });
        Assert.Equal(("rolled_back", "1"), (back["deployment"].GetProperty("state").GetString(), back["deployment"].GetProperty("stable_version").GetString()));
        Assert.Equal("1", await AliasTargetAsync(model));
    }

    [Fact]
    public async Task PauseResumeRollback_WithEvidence_AreRecorded_AndIllegalTransitionsAre400InvalidState()
    {
        var model = await ModelAsync(2);
        var name = "dep-" + model;
        await PostAsync("apply", new { spec = Spec(name, model, "1") });
        var resumeIdle = await PostAsync("resume", new { name });
        Assert.Equal((400, "INVALID_STATE"), (resumeIdle.Status, resumeIdle.ErrorCode));
        Assert.Contains("is idle", resumeIdle["message"].GetString(), StringComparison.Ordinal);

        await PostAsync("apply", new { spec = Spec(name, model, "2") });
        Assert.Equal("paused", (await PostAsync("pause", new { name, comment = "weekend" }))["deployment"].GetProperty("state").GetString());
        Assert.Equal("INVALID_STATE", (await PostAsync("pause", new { name })).ErrorCode);
        Assert.Equal("progressing", (await PostAsync("resume", new { name }))["deployment"].GetProperty("state").GetString());
        var evidence = new { gate = "error_rate", candidate = 0.08, stable = 0.01 };
        var rolled = await PostAsync("rollback", new { name, comment = "errors", evidence }, user: "controller:test");
        Assert.Equal(("rolled_back", 0), (rolled["deployment"].GetProperty("state").GetString(), rolled["deployment"].GetProperty("candidate_weight").GetInt32()));
        Assert.Equal("INVALID_STATE", (await PostAsync("promote", new { name })).ErrorCode);
        Assert.Equal("1", await AliasTargetAsync(model));

        var history = await HistoryAsync(name);
        Assert.Equal(["created", "rollout_started", "paused", "resumed", "rolled_back"], history.Select(e => e.GetProperty("kind").GetString()));
        var last = history[^1];
        Assert.Equal(("progressing", "rolled_back", "controller:test"), (last.GetProperty("from_state").GetString(), last.GetProperty("to_state").GetString(), last.GetProperty("user").GetString()));
        Assert.Equal(0.08, last.GetProperty("evidence").GetProperty("candidate").GetDouble());
        Assert.False(history[0].TryGetProperty("from_state", out _));
    }

    [Fact]
    public async Task Promote_OfAVersionThatFailedValidation_IsRefused_UnlessForcedWithAReason()
    {
        var model = await ModelAsync(2);
        var name = "dep-" + model;
        await PostAsync("apply", new { spec = Spec(name, model, "1") });
        await _client.ApiPostAsync("model-versions/set-tag", new { name = model, version = "2", key = "keel.validation.status", value = "failed: 1 of 3 checks" });
        await PostAsync("apply", new { spec = Spec(name, model, "2") });

        var refused = await PostAsync("promote", new { name });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (refused.Status, refused.ErrorCode));
        Assert.Contains("failed its validation gates", refused["message"].GetString(), StringComparison.Ordinal);
        Assert.Equal("progressing", (await _client.ApiGetAsync($"{Api}get?name={name}"))["deployment"].GetProperty("state").GetString());
        Assert.Equal("1", await AliasTargetAsync(model));
        Assert.Equal("INVALID_PARAMETER_VALUE", (await PostAsync("promote", new { name, force = true })).ErrorCode);

        var forced = await PostAsync("promote", new { name, force = true, comment = "hotfix approved by risk" });
        Assert.Equal(200, forced.Status);
        Assert.Equal("2", await AliasTargetAsync(model));
        var reason = (await HistoryAsync(name))[^1].GetProperty("reason").GetString();
        Assert.Contains("[forced past failed gates", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"spec": {"name": "x", "model": "{model}", "version": "9", "steps": [{"set_weight": 5}]}}""", "version 9 of registered model")]
    [InlineData("""{"spec": {"name": "x", "model": "{model}", "version": "1", "steps": [{"set_weight": 500}]}}""", "0 to 100")]
    [InlineData("""{"spec": {"name": "x", "model": "{model}", "version": "1", "strategy": "yolo"}}""", "Unknown strategy")]
    [InlineData("""{"spec": {"name": "x", "model": "{model}", "version": "1", "steps": [{"set_weight": "ten"}]}}""", "steps[0].set_weight")]
    [InlineData("""{}""", "'spec'")]
    public async Task Create_BadSpec_Is400InvalidParameterValue_AndStoresNothing(string body, string mentions)
    {
        var model = await ModelAsync(1);
        using var content = new StringContent(body.Replace("{model}", model, StringComparison.Ordinal), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        using var response = await _client.PostAsync(Api + "create", content);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.GetProperty("error_code").GetString());
        Assert.Contains(mentions, answer.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await _client.ApiGetAsync($"{Api}get?name=x")).Status);
    }

    [Fact]
    public async Task UnknownDeployment_Is404_ForEveryVerb()
    {
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiGetAsync($"{Api}get?name=nobody")).ErrorCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiGetAsync($"{Api}history?name=nobody")).ErrorCode);
        foreach (var verb in new[] { "promote", "pause", "resume", "rollback" })
        {
            var answer = await PostAsync(verb, new { name = "nobody" });
            Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (answer.Status, answer.ErrorCode));
        }
    }
    [Fact]
    public async Task ConcurrentPromotes_OneWins_TheOthersAreRefused_AndOneEventIsRecorded()
    {
        var model = await ModelAsync(2);
        var name = "dep-" + model;
        await PostAsync("apply", new { spec = Spec(name, model, "1") });
        await PostAsync("apply", new { spec = Spec(name, model, "2") });

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => PostAsync("promote", new { name, comment = $"attempt {i}" }))));

        Assert.Single(answers, a => a.Status == 200);
        Assert.All(answers.Where(a => a.Status != 200), a => Assert.Equal((400, "INVALID_STATE"), (a.Status, a.ErrorCode)));
        Assert.Equal(["created", "rollout_started", "promoted"], (await HistoryAsync(name)).Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal("2", await AliasTargetAsync(model));
    }
}
