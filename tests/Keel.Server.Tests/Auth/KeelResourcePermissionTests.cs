using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>Each level against Keel's own resources (deployments, served models, monitors), over HTTP.</summary>
public sealed class KeelResourcePermissionTests(KeelResourceFixture fixture) : IClassFixture<KeelResourceFixture>, IAsyncDisposable
{
    private const string Keel = "/api/2.0/keel/";
    private const string Grants = "/api/2.0/keel/auth/";
    private readonly AuthServer _server = new();

    /// <summary>The same table of levels as for experiments and registered models.</summary>
    public static TheoryData<string, bool, bool, bool, bool> Levels => PermissionLevelTests.Levels;

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task DeploymentLevel_AllowsExactlyWhatMlflowsLevelsSay(string level, bool read, bool update, bool delete, bool manage)
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");
        await fixture.RegisterAsync(_server);
        Assert.Equal(200, (await admin.ApiPostAsync(Keel + "deployments/create", DeploySpec("dep"))).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Grants + "deployments/permissions/create", new { name = "dep", username = "bob", permission = level })).Status);

        Assert.Equal(read, Passes(await bob.ApiGetAsync(Keel + "deployments/get?name=dep")));
        Assert.Equal(read, Passes(await bob.ApiGetAsync(Keel + "deployments/history?name=dep")));
        Assert.Equal(read, Passes(await fixture.ScoreAsync(bob, "/deployments/dep/invocations")));
        Assert.Equal(read, (await bob.ApiGetAsync(Keel + "deployments/list")).Body.Contains("\"dep\"", StringComparison.Ordinal));
        Assert.Equal(update, Passes(await bob.ApiPostAsync(Keel + "deployments/pause", new { name = "dep" })));
        Assert.Equal(manage, Passes(await bob.ApiPostAsync(Grants + "deployments/permissions/create", new { name = "dep", username = "carol", permission = "READ" })));
        Assert.Equal(delete, Passes(await bob.ApiPostAsync(Keel + "deployments/delete", new { name = "dep", force = true })));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task ServedModelLevel_CoversScoring_ItsPredictionLog_Reload_AndUnloading(string level, bool read, bool update, bool delete, bool manage)
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");
        await fixture.RegisterAsync(_server);
        Assert.Equal(200, (await admin.ApiPostAsync(Keel + "serving/models", new { name = "bc", model_uri = $"models:/{KeelResourceFixture.Model}/1" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Grants + "served-models/permissions/create", new { name = "bc", username = "bob", permission = level })).Status);

        Assert.Equal(read, Passes(await fixture.ScoreAsync(bob, "/serving/bc/invocations")));
        Assert.Equal(read, Passes(await bob.ApiGetAsync(Keel + "serving/predictions?model=bc")));
        Assert.Equal(read, Passes(await bob.ApiGetAsync("/v2/models/bc")));
        Assert.Equal(read, (await bob.ApiGetAsync(Keel + "serving/models")).Body.Contains("\"bc\"", StringComparison.Ordinal));
        Assert.Equal(update, Passes(await bob.ApiPostAsync(Keel + "serving/models/bc/reload", new { })));
        Assert.Equal(manage, Passes(await bob.ApiPostAsync(Grants + "served-models/permissions/create", new { name = "bc", username = "carol", permission = "READ" })));
        Assert.Equal(delete, Passes(await bob.ApiSendAsync(HttpMethod.Delete, Keel + "serving/models/bc")));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task MonitorLevel_AllowsExactlyWhatMlflowsLevelsSay(string level, bool read, bool update, bool delete, bool manage)
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/create", new { name = "credit" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Keel + "monitoring/monitors/apply", new { model = "credit" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Grants + "monitors/permissions/create", new { name = "credit", username = "bob", permission = level })).Status);

        Assert.Equal(read, Passes(await bob.ApiGetAsync(Keel + "monitoring/monitors/get?model=credit")));
        Assert.Equal(read, Passes(await bob.ApiGetAsync(Keel + "monitoring/windows/list?model=credit")));
        Assert.Equal(read, (await bob.ApiGetAsync(Keel + "monitoring/monitors/list")).Body.Contains("\"credit\"", StringComparison.Ordinal));
        Assert.Equal(update, Passes(await bob.ApiPostAsync(Keel + "monitoring/monitors/apply", new { model = "credit" })));
        Assert.Equal(manage, Passes(await bob.ApiPostAsync(Grants + "monitors/permissions/create", new { name = "credit", username = "carol", permission = "READ" })));
        Assert.Equal(delete, Passes(await bob.ApiPostAsync(Keel + "monitoring/monitors/delete", new { model = "credit" })));
    }

    [Fact]
    public async Task WhoeverCreatesAResource_ManagesIt_OthersGetTheDefault_AndItsPermissionsGoWithIt()
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        var carol = await _server.UserAsync("carol");
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/create", new { name = "credit" })).Status);

        // bob (default READ on the model) creates a monitor: he manages it; carol (default READ) only reads it.
        Assert.Equal(200, (await bob.ApiPostAsync(Keel + "monitoring/monitors/apply", new { model = "credit" })).Status);
        var grant = await bob.ApiGetAsync(Grants + "monitors/permissions/get?name=credit&username=bob");
        Assert.Equal("MANAGE", grant["monitor_permission"].GetProperty("permission").GetString());
        Assert.Equal(200, (await carol.ApiGetAsync(Keel + "monitoring/monitors/get?model=credit")).Status);
        var overwrite = await carol.ApiPostAsync(Keel + "monitoring/monitors/apply", new { model = "credit" });
        Assert.Equal((403, "PERMISSION_DENIED"), (overwrite.Status, overwrite.ErrorCode));

        Assert.Equal(200, (await bob.ApiPostAsync(Keel + "monitoring/monitors/delete", new { model = "credit" })).Status);
        Assert.Equal(404, (await admin.ApiGetAsync(Grants + "monitors/permissions/get?name=credit&username=bob")).Status);
    }

    [Fact]
    public async Task Deploying_NeedsReadOnTheRegisteredModel_TooEvenForANewDeployment()
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await fixture.RegisterAsync(_server);
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/permissions/create", new { name = KeelResourceFixture.Model, username = "bob", permission = "NO_PERMISSIONS" })).Status);

        var denied = await bob.ApiPostAsync(Keel + "deployments/create", DeploySpec("bobs"));
        Assert.Equal((403, "PERMISSION_DENIED"), (denied.Status, denied.ErrorCode));
        Assert.Equal(403, (await bob.ApiPostAsync(Keel + "serving/models", new { name = "bobs", model_uri = $"models:/{KeelResourceFixture.Model}/1" })).Status);

        Assert.Equal(200, (await admin.ApiSendAsync(HttpMethod.Patch, "registered-models/permissions/update", new { name = KeelResourceFixture.Model, username = "bob", permission = "READ" })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync(Keel + "deployments/create", DeploySpec("bobs"))).Status);
        Assert.Equal("MANAGE", (await bob.ApiGetAsync(Grants + "deployments/permissions/get?name=bobs&username=bob"))["deployment_permission"].GetProperty("permission").GetString());
    }

    [Theory]
    [InlineData("deployments", "deployment_permission")]
    [InlineData("served-models", "served_model_permission")]
    [InlineData("monitors", "monitor_permission")]
    public async Task AResourcesGrants_AreRead_Changed_OrRemoved_OnlyByItsManagers_NotByAnEditor(string kind, string key)
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");
        var grants = Grants + kind + "/permissions/";
        Assert.Equal(200, (await admin.ApiPostAsync(grants + "create", new { name = "credit", username = "bob", permission = "EDIT" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(grants + "create", new { name = "credit", username = "carol", permission = "READ" })).Status);

        foreach (var refused in new[]
        {
            await bob.ApiGetAsync(grants + "get?name=credit&username=carol"),
            await bob.ApiSendAsync(HttpMethod.Patch, grants + "update", new { name = "credit", username = "carol", permission = "MANAGE" }),
            await bob.ApiSendAsync(HttpMethod.Delete, grants + "delete", new { name = "credit", username = "carol" }),
        })
        {
            Assert.Equal((403, "PERMISSION_DENIED"), (refused.Status, refused.ErrorCode));
        }

        Assert.Equal("READ", (await admin.ApiGetAsync(grants + "get?name=credit&username=carol"))[key].GetProperty("permission").GetString());

        Assert.Equal(200, (await admin.ApiSendAsync(HttpMethod.Patch, grants + "update", new { name = "credit", username = "bob", permission = "MANAGE" })).Status);
        Assert.Equal(200, (await bob.ApiGetAsync(grants + "get?name=credit&username=carol")).Status);
        Assert.Equal(200, (await bob.ApiSendAsync(HttpMethod.Patch, grants + "update", new { name = "credit", username = "carol", permission = "EDIT" })).Status);
        Assert.Equal(200, (await bob.ApiSendAsync(HttpMethod.Delete, grants + "delete", new { name = "credit", username = "carol" })).Status);
    }

    [Fact]
    public async Task Monitoring_OrServingByAlias_NeedsReadOnTheRegisteredModel()
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await fixture.RegisterAsync(_server);
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/alias", new { name = KeelResourceFixture.Model, alias = "champion", version = "1" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/permissions/create", new { name = KeelResourceFixture.Model, username = "bob", permission = "NO_PERMISSIONS" })).Status);

        var monitor = await bob.ApiPostAsync(Keel + "monitoring/monitors/apply", new { model = KeelResourceFixture.Model });
        Assert.Equal((403, "PERMISSION_DENIED"), (monitor.Status, monitor.ErrorCode));
        var byAlias = await bob.ApiPostAsync(Keel + "serving/models", new { name = "bobs", model_uri = $"models:/{KeelResourceFixture.Model}@champion" });
        Assert.Equal((403, "PERMISSION_DENIED"), (byAlias.Status, byAlias.ErrorCode));

        Assert.Equal(200, (await admin.ApiSendAsync(HttpMethod.Patch, "registered-models/permissions/update", new { name = KeelResourceFixture.Model, username = "bob", permission = "READ" })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync(Keel + "monitoring/monitors/apply", new { model = KeelResourceFixture.Model })).Status);
        var served = await bob.ApiPostAsync(Keel + "serving/models", new { name = "bobs", model_uri = $"models:/{KeelResourceFixture.Model}@champion" });
        Assert.True(served.Status == 200, served.Body);
    }

    private static object DeploySpec(string name) =>
        new { spec = new { name, model = KeelResourceFixture.Model, version = "1", alias = name + "-live", steps = new[] { new { set_weight = 5 } } } };

    /// <summary>The permission check let the request through (whatever the endpoint then answered).</summary>
    private static bool Passes(ApiAnswer answer) => answer.Status is not (401 or 403);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
