using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Serving;
using Keel.Core.Tracking;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>Models added with the serving admin API (<c>keel serving add</c>) are served again after a restart.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServedModelRestoreTests(ServingFixture fixture) : IDisposable
{
    private const string AdminBase = "/api/2.0/keel/serving/models";
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-restore-").FullName;

    [Fact]
    public async Task AddedModel_IsServedAgainAfterARestart_AndARemovedOneIsNot()
    {
        await using (var first = new StoreServer(_folder))
        {
            using var client = first.CreateClient();
            await RegisterAsync(first, client, "restore-m");
            Assert.Equal(200, (await client.ApiPostAsync("registered-models/alias", new { name = "restore-m", alias = "champion", version = "1" })).Status);
            Assert.Equal(200, (await client.ApiPostAsync(AdminBase, new { name = "restored", model_uri = "models:/restore-m@champion" })).Status);
            Assert.Equal(200, (await client.ApiPostAsync(AdminBase, new { name = "gone", model_uri = "models:/restore-m/1" })).Status);
            Assert.Equal(200, (await client.ApiSendAsync(HttpMethod.Delete, AdminBase + "/gone")).Status);
        }

        await using var second = new StoreServer(_folder);
        using var again = second.CreateClient();
        var restored = await WaitForStatusAsync(again, "restored", "serving");

        Assert.Equal("models:/restore-m@champion", restored.GetProperty("model_uri").GetString());
        Assert.Equal("1", restored.GetProperty("version").GetString());
        Assert.True(restored.GetProperty("follows").GetBoolean());
        var scored = await ScoreAsync(again, "restored");
        Assert.Equal(200, scored.Status);
        var predictions = scored["predictions"].EnumerateArray().ToArray();
        Assert.Equal(fixture.Expected.Count, predictions.Length);
        Assert.Equal(fixture.Expected[0].Probability!.Value, predictions[0].GetProperty("probability").GetDouble(), 12);
        Assert.Equal(404, (await ScoreAsync(again, "gone")).Status);
        Assert.DoesNotContain("gone", (await ListAsync(again)).Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task StoredModelThatNoLongerLoads_IsListedAsFailedWithItsError_KeptStored_AndCanBeRemoved()
    {
        await using (var first = new StoreServer(_folder))
        {
            using var client = first.CreateClient();
            var runRoot = await RegisterAsync(first, client, "restore-b");
            Assert.Equal(200, (await client.ApiPostAsync(AdminBase, new { name = "broken", model_uri = "models:/restore-b/1" })).Status);

            // The package disappears while the server is down.
            await first.Services.GetRequiredService<IArtifactStore>().DeleteAsync(runRoot + "/model");
        }

        await using var second = new StoreServer(_folder);
        using var again = second.CreateClient();
        var failed = await WaitForStatusAsync(again, "broken", "failed");

        Assert.Equal("models:/restore-b/1", failed.GetProperty("model_uri").GetString());
        Assert.False(failed.GetProperty("ready").GetBoolean());
        Assert.Contains("no files", failed.GetProperty("last_error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await ScoreAsync(again, "broken")).Status);
        var store = second.Services.GetRequiredService<IServedModelStore>();
        Assert.Equal(["broken"], (await store.ListAsync()).Select(e => e.Name));

        Assert.Equal(200, (await again.ApiSendAsync(HttpMethod.Delete, AdminBase + "/broken")).Status);
        Assert.Empty(await store.ListAsync());
        Assert.Empty(await ListAsync(again));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Registers the fixture's package as version 1 of <paramref name="model"/>; returns the run's artifact folder.</summary>
    private async Task<string> RegisterAsync(StoreServer server, HttpClient client, string model)
    {
        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = model })).Status);
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync());
        var run = await server.Services.GetRequiredService<ITrackingStore>().GetRunAsync(runId);
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        var artifacts = server.Services.GetRequiredService<IArtifactStore>();
        foreach (var file in Directory.GetFiles(fixture.PackageDirectory))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetFileName(file)}", stream);
        }

        Assert.Equal(200, (await client.ApiPostAsync("model-versions/create", new { name = model, source = $"runs:/{runId}/model", run_id = runId })).Status);
        return root;
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client) =>
        (await client.ApiGetAsync(AdminBase))["models"].EnumerateArray().ToList();

    /// <summary>Polls the list until <paramref name="name"/> has <paramref name="status"/> (serving, loading or failed).</summary>
    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string name, string status)
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

    private async Task<ApiAnswer> ScoreAsync(HttpClient client, string name) =>
        await client.ApiPostAsync($"/serving/{name}/invocations", JsonSerializer.Serialize(new { dataframe_records = fixture.Records() }));

    /// <summary>The server on a given folder (database and artifacts), so a second one can start where the first stopped.</summary>
    private sealed class StoreServer(string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + Path.Combine(folder, "keel.db"));
            builder.UseSetting("Keel:ArtifactsUri", Path.Combine(folder, "artifacts"));
        }
    }
}
