using Keel.Core.Artifacts;
using Keel.Core.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>Models added with the serving admin API (<c>keel serving add</c>) are served again after a restart.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServedModelRestoreTests(ServingFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-restore-").FullName;

    [Fact]
    public async Task AddedModel_IsServedAgainAfterARestart_AndARemovedOneIsNot()
    {
        await using (var first = new StoreServer(_folder))
        {
            using var client = first.CreateClient();
            await first.RegisterAsync(client, fixture, "restore-m");
            Assert.Equal(200, (await client.ApiPostAsync("registered-models/alias", new { name = "restore-m", alias = "champion", version = "1" })).Status);
            Assert.Equal(200, (await client.ApiPostAsync(StoreServer.AdminBase, new { name = "restored", model_uri = "models:/restore-m@champion" })).Status);
            Assert.Equal(200, (await client.ApiPostAsync(StoreServer.AdminBase, new { name = "gone", model_uri = "models:/restore-m/1" })).Status);
            Assert.Equal(200, (await client.ApiSendAsync(HttpMethod.Delete, StoreServer.AdminBase + "/gone")).Status);
        }

        await using var second = new StoreServer(_folder);
        using var again = second.CreateClient();
        var restored = await StoreServer.WaitForStatusAsync(again, "restored", "serving");

        Assert.Equal("models:/restore-m@champion", restored.GetProperty("model_uri").GetString());
        Assert.Equal("1", restored.GetProperty("version").GetString());
        Assert.True(restored.GetProperty("follows").GetBoolean());
        var scored = await StoreServer.ScoreAsync(again, fixture, "restored");
        Assert.Equal(200, scored.Status);
        var predictions = scored["predictions"].EnumerateArray().ToArray();
        Assert.Equal(fixture.Expected.Count, predictions.Length);
        Assert.Equal(fixture.Expected[0].Probability!.Value, predictions[0].GetProperty("probability").GetDouble(), 12);
        Assert.Equal(404, (await StoreServer.ScoreAsync(again, fixture, "gone")).Status);
        Assert.DoesNotContain("gone", (await StoreServer.ListAsync(again)).Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task StoredModelThatNoLongerLoads_IsListedAsFailedWithItsError_KeptStored_AndCanBeRemoved()
    {
        await using (var first = new StoreServer(_folder))
        {
            using var client = first.CreateClient();
            var runRoot = await first.RegisterAsync(client, fixture, "restore-b");
            Assert.Equal(200, (await client.ApiPostAsync(StoreServer.AdminBase, new { name = "broken", model_uri = "models:/restore-b/1" })).Status);

            // The package disappears while the server is down.
            await first.Services.GetRequiredService<IArtifactStore>().DeleteAsync(runRoot + "/model");
        }

        await using var second = new StoreServer(_folder);
        using var again = second.CreateClient();
        var failed = await StoreServer.WaitForStatusAsync(again, "broken", "failed");

        Assert.Equal("models:/restore-b/1", failed.GetProperty("model_uri").GetString());
        Assert.False(failed.GetProperty("ready").GetBoolean());
        Assert.Contains("no files", failed.GetProperty("last_error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await StoreServer.ScoreAsync(again, fixture, "broken")).Status);
        var store = second.Services.GetRequiredService<IServedModelStore>();
        Assert.Equal(["broken"], (await store.ListAsync()).Select(e => e.Name));

        Assert.Equal(200, (await again.ApiSendAsync(HttpMethod.Delete, StoreServer.AdminBase + "/broken")).Status);
        Assert.Empty(await store.ListAsync());
        Assert.Empty(await StoreServer.ListAsync(again));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
