using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>
/// The server on a given folder (SQLite database and artifacts), so a second one can start where the
/// first stopped, or run beside it on the same store as a second replica.
/// </summary>
internal sealed class StoreServer(string folder, TimeSpan? followInterval = null) : WebApplicationFactory<Program>
{
    public const string AdminBase = "/api/2.0/keel/serving/models";

    /// <summary>The serving admin API's list.</summary>
    public static async Task<List<JsonElement>> ListAsync(HttpClient client) =>
        (await client.ApiGetAsync(AdminBase))["models"].EnumerateArray().ToList();

    /// <summary>Polls the list until <paramref name="name"/> has <paramref name="status"/> (serving, loading, failed, or absent), for 30 s at most.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string name, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var entry = (await ListAsync(client)).FirstOrDefault(m => m.GetProperty("name").GetString() == name);
            var current = entry.ValueKind == JsonValueKind.Undefined ? "absent" : entry.GetProperty("status").GetString();
            if (current == status)
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{name}' is still {current}, not {status}, after 30 s.");
            await Task.Delay(25);
        }
    }

    /// <summary>Scores the fixture's rows on the model served as <paramref name="name"/>.</summary>
    public static async Task<ApiAnswer> ScoreAsync(HttpClient client, ServingFixture fixture, string name) =>
        await client.ApiPostAsync($"/serving/{name}/invocations", JsonSerializer.Serialize(new { dataframe_records = fixture.Records() }));

    /// <summary>
    /// Registers <paramref name="fixture"/>'s package as the next version of <paramref name="model"/>
    /// (the model created first when <paramref name="create"/>); returns the run's artifact folder.
    /// </summary>
    public async Task<string> RegisterAsync(HttpClient client, ServingFixture fixture, string model, bool create = true)
    {
        if (create)
        {
            Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = model })).Status);
        }

        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync());
        var run = await Services.GetRequiredService<ITrackingStore>().GetRunAsync(runId);
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        var artifacts = Services.GetRequiredService<IArtifactStore>();
        foreach (var file in Directory.GetFiles(fixture.PackageDirectory))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetFileName(file)}", stream);
        }

        Assert.Equal(200, (await client.ApiPostAsync("model-versions/create", new { name = model, source = $"runs:/{runId}/model", run_id = runId })).Status);
        return root;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + Path.Combine(folder, "keel.db"));
        builder.UseSetting("Keel:ArtifactsUri", Path.Combine(folder, "artifacts"));
        if (followInterval is { } interval)
        {
            builder.UseSetting("Keel:Serving:FollowInterval", interval.ToString());
        }
    }
}
