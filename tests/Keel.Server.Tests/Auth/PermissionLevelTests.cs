using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>Each level (NO_PERMISSIONS, READ, EDIT, MANAGE) against experiments and registered models, over HTTP.</summary>
public sealed class PermissionLevelTests : IAsyncDisposable
{
    private readonly AuthServer _server = new();

    public static TheoryData<string, bool, bool, bool, bool> Levels => new()
    {
        // level, can read, can update, can delete, can manage
        { "NO_PERMISSIONS", false, false, false, false },
        { "READ", true, false, false, false },
        { "EDIT", true, true, false, false },
        { "MANAGE", true, true, true, true },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task ExperimentLevel_AllowsExactlyWhatMlflowSays(string level, bool read, bool update, bool delete, bool manage)
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");
        var experiment = await admin.CreateExperimentAsync();
        var run = await admin.CreateRunAsync(experiment);
        Assert.Equal(200, (await admin.ApiPostAsync("experiments/permissions/create", new { experiment_id = experiment, username = "bob", permission = level })).Status);

        Assert.Equal(read, (await bob.ApiGetAsync($"experiments/get?experiment_id={experiment}")).Status == 200);
        Assert.Equal(read, (await bob.ApiGetAsync($"runs/get?run_id={run}")).Status == 200);
        Assert.Equal(read, (await bob.ApiPostAsync("runs/search", new { experiment_ids = new[] { experiment } })).Body.Contains(run, StringComparison.Ordinal));
        Assert.Equal(update, (await bob.ApiPostAsync("runs/log-parameter", new { run_id = run, key = "k", value = "v" })).Status == 200);
        Assert.Equal(update, (await bob.ApiPostAsync("experiments/set-experiment-tag", new { experiment_id = experiment, key = "k", value = "v" })).Status == 200);
        Assert.Equal(update, (await bob.ApiPostAsync("runs/create", new { experiment_id = experiment, start_time = 1 })).Status == 200);
        Assert.Equal(manage, (await bob.ApiPostAsync("experiments/permissions/create", new { experiment_id = experiment, username = "carol", permission = "READ" })).Status == 200);
        Assert.Equal(delete, (await bob.ApiPostAsync("runs/delete", new { run_id = run })).Status == 200);
        Assert.Equal(delete, (await bob.ApiPostAsync("experiments/delete", new { experiment_id = experiment })).Status == 200);

        if (!read)
        {
            var denied = await bob.ApiGetAsync($"experiments/get?experiment_id={experiment}");
            Assert.Equal((403, "PERMISSION_DENIED"), (denied.Status, denied.ErrorCode));
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task RegisteredModelLevel_AllowsExactlyWhatMlflowSays(string level, bool read, bool update, bool delete, bool manage)
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/create", new { name = "credit" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/permissions/create", new { name = "credit", username = "bob", permission = level })).Status);

        Assert.Equal(read, (await bob.ApiGetAsync("registered-models/get?name=credit")).Status == 200);
        Assert.Equal(read, (await bob.ApiGetAsync("/api/2.0/keel/registry/events?name=credit")).Status == 200);
        Assert.Equal(update, (await bob.ApiPostAsync("registered-models/set-tag", new { name = "credit", key = "k", value = "v" })).Status == 200);
        Assert.Equal(update, (await bob.ApiSendAsync(HttpMethod.Patch, "registered-models/update", new { name = "credit", description = "d" })).Status == 200);
        Assert.Equal(manage, (await bob.ApiSendAsync(HttpMethod.Get, "registered-models/permissions/get?name=credit&username=bob")).Status == 200);
        Assert.Equal(delete, (await bob.ApiSendAsync(HttpMethod.Delete, "registered-models/delete", new { name = "credit" })).Status == 200);
    }

    [Fact]
    public async Task TheCreator_ManagesWhatTheyCreate_AndSearchesHideWhatAUserCannotRead()
    {
        await using var server = new AuthServer(new() { ["Keel:Auth:DefaultPermission"] = "NoPermissions" });
        var bob = await server.UserAsync("bob");
        var carol = await server.UserAsync("carol");

        var mine = await bob.CreateExperimentAsync("bobs");
        Assert.Equal(200, (await bob.ApiPostAsync("experiments/delete", new { experiment_id = mine })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync("experiments/restore", new { experiment_id = mine })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync("registered-models/create", new { name = "bobs-model" })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync("registered-models/rename", new { name = "bobs-model", new_name = "bobs-model-2" })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync("registered-models/set-tag", new { name = "bobs-model-2", key = "k", value = "v" })).Status);

        // With NO_PERMISSIONS by default, carol neither reads bob's things nor finds them.
        Assert.Equal(403, (await carol.ApiGetAsync($"experiments/get?experiment_id={mine}")).Status);
        Assert.Equal(403, (await carol.ApiGetAsync("registered-models/get?name=bobs-model-2")).Status);
        var experiments = await carol.ApiGetAsync("experiments/search?max_results=100");
        Assert.Equal(200, experiments.Status);
        Assert.DoesNotContain(Items(experiments, "experiments"), e => e.GetProperty("experiment_id").GetString() == mine);
        var models = await carol.ApiGetAsync("registered-models/search?max_results=100");
        Assert.Empty(Items(models, "registered_models"));
        var bobsModels = await bob.ApiGetAsync("registered-models/search?max_results=100");
        Assert.Equal(["bobs-model-2"], Items(bobsModels, "registered_models").Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task PermissionsApi_SpeaksMlflowsJsonAndCodes()
    {
        var admin = _server.Admin();
        await _server.UserAsync("bob");
        var experiment = await admin.CreateExperimentAsync();
        var created = await admin.ApiPostAsync("experiments/permissions/create", new { experiment_id = experiment, username = "bob", permission = "EDIT" });
        Assert.Equal(experiment, created["experiment_permission"].GetProperty("experiment_id").GetString());
        Assert.Equal("EDIT", created["experiment_permission"].GetProperty("permission").GetString());
        Assert.True(created["experiment_permission"].GetProperty("user_id").GetInt64() > 0);

        Assert.Equal("RESOURCE_ALREADY_EXISTS", (await admin.ApiPostAsync("experiments/permissions/create", new { experiment_id = experiment, username = "bob", permission = "READ" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await admin.ApiSendAsync(HttpMethod.Patch, "experiments/permissions/update", new { experiment_id = experiment, username = "bob", permission = "OWNER" })).ErrorCode);
        Assert.Equal(200, (await admin.ApiSendAsync(HttpMethod.Patch, "experiments/permissions/update", new { experiment_id = experiment, username = "bob", permission = "MANAGE" })).Status);
        Assert.Equal("MANAGE", (await admin.ApiGetAsync($"experiments/permissions/get?experiment_id={experiment}&username=bob"))["experiment_permission"].GetProperty("permission").GetString());

        var user = await admin.ApiGetAsync("users/get?username=bob");
        Assert.Equal(experiment, Assert.Single(Items(user["user"], "experiment_permissions")).GetProperty("experiment_id").GetString());

        Assert.Equal(200, (await admin.ApiSendAsync(HttpMethod.Delete, "experiments/permissions/delete", new { experiment_id = experiment, username = "bob" })).Status);
        var gone = await admin.ApiGetAsync($"experiments/permissions/get?experiment_id={experiment}&username=bob");
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (gone.Status, gone.ErrorCode));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await admin.ApiPostAsync("experiments/permissions/create", new { experiment_id = experiment, username = "ghost", permission = "READ" })).ErrorCode);
    }

    private static List<System.Text.Json.JsonElement> Items(ApiAnswer answer, string property) => Items(answer.Json, property);

    private static List<System.Text.Json.JsonElement> Items(System.Text.Json.JsonElement json, string property) =>
        json.TryGetProperty(property, out var items) ? items.EnumerateArray().ToList() : [];

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
