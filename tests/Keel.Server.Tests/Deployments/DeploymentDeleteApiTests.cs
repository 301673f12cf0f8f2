using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Deployments;

public sealed class DeploymentDeleteApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> DeploymentAsync(bool rollingOut)
    {
        var model = "del-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name = model })).Status);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name = model, source = $"mlflow-artifacts:/models/{model}/{i}" })).Status);
        }

        var spec = new { name = model, model, version = "1", steps = new object[] { new { set_weight = 10 } } };
        Assert.Equal(200, (await _client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec })).Status);
        if (rollingOut)
        {
            Assert.Equal(200, (await _client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = spec with { version = "2" } })).Status);
        }

        return model;
    }

    [Fact]
    public async Task Delete_AnIdleDeployment_RemovesIt_KeepsTheAlias_AndAuditsTheDeletion()
    {
        var name = await DeploymentAsync(rollingOut: false);

        var deleted = await _client.ApiSendAsync(HttpMethod.Post, "/api/2.0/keel/deployments/delete", new { name, comment = "retired" }, user: "bob");

        Assert.Equal(200, deleted.Status);
        var gone = await _client.ApiGetAsync($"/api/2.0/keel/deployments/get?name={name}");
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (gone.Status, gone.ErrorCode));
        var alias = await _client.ApiGetAsync($"registered-models/alias?name={name}&alias=production");
        Assert.Equal("1", alias["model_version"].GetProperty("version").GetString());
        var trail = (await _client.ApiGetAsync($"/api/2.0/keel/registry/events?name={name}"))["events"].EnumerateArray().ToList();
        var audited = Assert.Single(trail, e => e.GetProperty("kind").GetString() == "deployment_deleted");
        Assert.Equal("bob", audited.GetProperty("user").GetString());
        Assert.Contains("retired", audited.GetProperty("comment").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_DuringARollout_IsRefused_UnlessForcedWithAReason()
    {
        var name = await DeploymentAsync(rollingOut: true);

        var refused = await _client.ApiPostAsync("/api/2.0/keel/deployments/delete", new { name });
        Assert.Equal((400, "INVALID_STATE"), (refused.Status, refused.ErrorCode));
        Assert.Contains("rolling out", refused.Body, StringComparison.Ordinal);
        var noReason = await _client.ApiPostAsync("/api/2.0/keel/deployments/delete", new { name, force = true });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (noReason.Status, noReason.ErrorCode));
        Assert.Equal(200, (await _client.ApiGetAsync($"/api/2.0/keel/deployments/get?name={name}")).Status);

        var forced = await _client.ApiPostAsync("/api/2.0/keel/deployments/delete", new { name, force = true, comment = "abandoned" });
        Assert.Equal(200, forced.Status);
        Assert.Equal(404, (await _client.ApiGetAsync($"/api/2.0/keel/deployments/get?name={name}")).Status);
    }

    [Fact]
    public async Task Delete_AMissingDeployment_IsNotFound()
    {
        var missing = await _client.ApiPostAsync("/api/2.0/keel/deployments/delete", new { name = "never-was" });
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (missing.Status, missing.ErrorCode));
    }
}
