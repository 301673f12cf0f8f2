using System.Text;
using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Deployments;

/// <summary>The replica endpoints over HTTP: register, heartbeat, list, and their errors (the coordinator is covered in Keel.Storage.Tests and end to end in Keel.Cli.Tests).</summary>
public sealed class DeploymentReplicasApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private const string Api = "/api/2.0/keel/deployments/";
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> RollingDeploymentAsync(string strategy = "rolling")
    {
        var name = "model-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/{i}" })).Status);
        }

        object spec = strategy == "rolling"
            ? new { name, model = name, version = "2", strategy, rolling = new { bake = "10s" } }
            : new { name, model = name, version = "2", strategy, steps = new[] { new { set_weight = 10 } } };
        var created = await PostAsync("create", new { spec });
        Assert.True(created.Status == 200, created.Body);
        return name;
    }

    private async Task<ApiAnswer> PostAsync(string verb, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(Api + verb, content);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiAnswer((int)response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, text);
    }

    [Fact]
    public async Task Register_Heartbeat_List_RoundTrip_WithTheAssignment()
    {
        var name = await RollingDeploymentAsync();
        var registered = await PostAsync("replicas/register", new { deployment = name, replica_id = "r1", address = "http://127.0.0.1:5101", ready = false, healthy = true });
        Assert.True(registered.Status == 200, registered.Body);
        Assert.Equal("2", registered["replica"].GetProperty("desired_version").GetString());

        var beat = await PostAsync("replicas/heartbeat", new { deployment = name, replica_id = "r1", address = "http://127.0.0.1:5101", served_version = "2", ready = true, healthy = true });
        Assert.True(beat.Status == 200, beat.Body);
        Assert.Equal("2", beat["replica"].GetProperty("served_version").GetString());
        Assert.True(beat["replica"].GetProperty("converged_at").GetInt64() > 0);

        var list = await _client.ApiGetAsync($"{Api}replicas/list?deployment={name}");
        var replica = Assert.Single(list["replicas"].EnumerateArray());
        Assert.Equal("r1", replica.GetProperty("replica_id").GetString());
        Assert.True(replica.GetProperty("ready").GetBoolean());

        // The deployment shows the rolling policy with its defaults filled.
        var deployment = await _client.ApiGetAsync($"{Api}get?name={name}");
        var rolling = deployment["deployment"].GetProperty("spec").GetProperty("rolling");
        Assert.Equal("10s", rolling.GetProperty("bake").GetString());
        Assert.Equal("2m", rolling.GetProperty("ready_timeout").GetString());
        Assert.Equal("15s", rolling.GetProperty("heartbeat_timeout").GetString());
    }

    [Fact]
    public async Task Heartbeat_OfAnUnknownReplica_Is404_SoItRegistersAgain()
    {
        var name = await RollingDeploymentAsync();
        var beat = await PostAsync("replicas/heartbeat", new { deployment = name, replica_id = "ghost", address = "http://127.0.0.1:5101", ready = true, healthy = true });
        Assert.Equal(404, beat.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", beat["error_code"].GetString());
        Assert.Contains("register it again", beat["message"].GetString());
    }

    [Fact]
    public async Task Register_ForAMissingOrNonRollingDeployment_IsRefused()
    {
        var missing = await PostAsync("replicas/register", new { deployment = "nobody-" + Guid.NewGuid().ToString("N")[..6], replica_id = "r1", address = "http://127.0.0.1:5101" });
        Assert.Equal(404, missing.Status);
        var canary = await RollingDeploymentAsync("canary");
        var refused = await PostAsync("replicas/register", new { deployment = canary, replica_id = "r1", address = "http://127.0.0.1:5101" });
        Assert.Equal(400, refused.Status);
        Assert.Contains("serve rolling deployments", refused["message"].GetString());
        Assert.Equal(404, (await _client.ApiGetAsync($"{Api}replicas/list?deployment=nobody")).Status);
    }

    [Fact]
    public async Task Spec_RollingPolicy_IsValidated_AndOnlyForRolling()
    {
        var name = "model-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/0" })).Status);
        var bad = await PostAsync("create", new { spec = new { name, model = name, version = "1", strategy = "rolling", rolling = new { bake = "soon", ready_timeout = "0s", heartbeat_timeout = "2d" } } });
        Assert.Equal(400, bad.Status);
        var message = bad["message"].GetString()!;
        Assert.Contains("(3 problems)", message);
        Assert.Contains("'rolling.bake'", message);
        Assert.Contains("'rolling.ready_timeout'", message);
        Assert.Contains("'rolling.heartbeat_timeout'", message);

        var canary = await PostAsync("create", new { spec = new { name, model = name, version = "1", steps = new[] { new { set_weight = 10 } }, rolling = new { bake = "1s" } } });
        Assert.Equal(400, canary.Status);
        Assert.Contains("'rolling' is for rolling rollouts, not canary", canary["message"].GetString());
    }
}
