using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Tracking;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Keel.Server.Tests.Serving;

/// <summary>
/// Served models shared by every server on one store: each server syncs the served-model store every
/// follow interval, so what is added, changed or removed through one is served, changed or removed
/// by all; a sync never undoes a change its own server made after the sync read the store.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ServedModelSyncTests(ServingFixture fixture) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-sync-").FullName;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoServersOnOneStore_AModelAddedChangedAndRemovedThroughOne_IsServedChangedAndRemovedByTheOther()
    {
        await using var first = new StoreServer(_folder, Interval);
        await using var second = new StoreServer(_folder, Interval);
        using var a = first.CreateClient();
        using var b = second.CreateClient();
        await first.RegisterAsync(a, fixture, "sync-m");
        await first.RegisterAsync(a, fixture, "sync-m", create: false);

        Assert.Equal(200, (await a.ApiPostAsync(StoreServer.AdminBase, new { name = "synced", model_uri = "models:/sync-m/1" })).Status);
        var served = await StoreServer.WaitForStatusAsync(b, "synced", "serving");
        Assert.Equal("1", served.GetProperty("version").GetString());
        var scored = await StoreServer.ScoreAsync(b, fixture, "synced");
        Assert.Equal(200, scored.Status);
        Assert.Equal(fixture.Expected[0].Probability!.Value, scored["predictions"][0].GetProperty("probability").GetDouble(), 12);

        Assert.Equal(200, (await a.ApiPostAsync(StoreServer.AdminBase, new { name = "synced", model_uri = "models:/sync-m/2" })).Status);
        var changed = await WaitForVersionAsync(b, "synced", "2");
        Assert.Equal("models:/sync-m/2", changed.GetProperty("model_uri").GetString());

        Assert.Equal(200, (await a.ApiSendAsync(HttpMethod.Delete, StoreServer.AdminBase + "/synced")).Status);
        await StoreServer.WaitForStatusAsync(b, "synced", "absent");
        Assert.Equal(404, (await StoreServer.ScoreAsync(b, fixture, "synced")).Status);
    }

    [Fact]
    public async Task ASyncThatReadTheStoreBeforeALocalAdd_DoesNotStopServingTheAddedModel()
    {
        await using var server = new StoreServer(_folder);
        using var client = server.CreateClient();
        await server.RegisterAsync(client, fixture, "race-add");
        var (persistence, models, store) = Detached(server);

        store.PauseNextList();
        var pass = persistence.SyncAsync(_ct);
        await store.Listed.Task.WaitAsync(_ct);
        await persistence.AddAsync("raced", "models:/race-add/1", _ct);
        store.Release();
        await pass;

        Assert.True(models.TryGet("raced", out _), "the sync's list predates the add, so it must not undo it");
        await persistence.SyncAsync(_ct);
        Assert.True(models.TryGet("raced", out _));
    }

    [Fact]
    public async Task ASyncThatReadTheStoreBeforeALocalRemove_DoesNotServeTheRemovedModelAgain()
    {
        await using var server = new StoreServer(_folder);
        using var client = server.CreateClient();
        await server.RegisterAsync(client, fixture, "race-remove");
        var (persistence, models, store) = Detached(server);
        await persistence.AddAsync("raced", "models:/race-remove/1", _ct);

        store.PauseNextList();
        var pass = persistence.SyncAsync(_ct);
        await store.Listed.Task.WaitAsync(_ct);
        Assert.True(await persistence.RemoveAsync("raced", _ct));
        store.Release();
        await pass;

        Assert.False(models.TryGet("raced", out _), "the sync's list predates the removal, so it must not load the model again");
        Assert.Empty(await store.ListAsync(_ct));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A second persistence (as a second replica has) over the server's stores, with its own served models and a store whose list can be held.</summary>
    private (ServedModelPersistence Persistence, ServedModelRegistry Models, HeldListStore Store) Detached(StoreServer server)
    {
        var services = server.Services;
        var models = new ServedModelRegistry(Path.Combine(_folder, "cache"));
        var store = new HeldListStore(services.GetRequiredService<IServedModelStore>());
        var persistence = new ServedModelPersistence(
            models,
            store,
            services.GetRequiredService<IRegistryStore>(),
            services.GetRequiredService<ITrackingStore>(),
            services.GetRequiredService<IArtifactStore>(),
            Options.Create(new ModelFollowerOptions { FollowInterval = TimeSpan.Zero }),
            TimeProvider.System,
            NullLogger<ServedModelPersistence>.Instance);
        return (persistence, models, store);
    }

    private static async Task<JsonElement> WaitForVersionAsync(HttpClient client, string name, string version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var entry = (await StoreServer.ListAsync(client)).FirstOrDefault(m => m.GetProperty("name").GetString() == name);
            if (entry.ValueKind != JsonValueKind.Undefined && entry.GetProperty("status").GetString() == "serving" && entry.GetProperty("version").GetString() == version)
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{name}' does not serve version {version} after 30 s.");
            await Task.Delay(25);
        }
    }

    /// <summary>The real served-model store, whose next list (once asked) is held after reading until <see cref="Release"/>.</summary>
    private sealed class HeldListStore(IServedModelStore inner) : IServedModelStore
    {
        private TaskCompletionSource? _armed;
        private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Listed { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void PauseNextList()
        {
            Listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _armed = _released;
        }

        public void Release() => _released.TrySetResult();

        public Task<ServedModelEntry> UpsertAsync(ServedModelEntry entry, CancellationToken cancellationToken = default) => inner.UpsertAsync(entry, cancellationToken);

        public Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default) => inner.RemoveAsync(name, cancellationToken);

        public async Task<IReadOnlyList<ServedModelEntry>> ListAsync(CancellationToken cancellationToken = default)
        {
            var entries = await inner.ListAsync(cancellationToken);
            if (Interlocked.Exchange(ref _armed, null) is { } release)
            {
                Listed.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
            }

            return entries;
        }
    }
}
