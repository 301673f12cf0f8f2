using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Tracking;
using Microsoft.Extensions.Options;

namespace Keel.Server.Serving;

/// <summary>
/// Keeps what the main server serves in the <see cref="IServedModelStore"/>, and what it serves in
/// step with that store. Adding through the admin API loads the model first and stores it once it
/// serves; removing stops serving and deletes the entry. In the background (start-up, then every
/// <see cref="ModelFollowerOptions.FollowInterval"/>), every replica on the store converges on it
/// (<see cref="SyncAsync"/>): it loads entries it does not serve, reloads those whose URI changed and
/// stops serving names no longer stored, so a model added or removed through any replica is served,
/// or not, by all. An entry that fails to load is listed with its error (<c>status: failed</c>) and
/// tried again when it is stored again. Changes of one name are serialised by a per-name gate, and a
/// sync pass never undoes a change this replica made after the pass read the store.
/// </summary>
internal sealed partial class ServedModelPersistence(
    ServedModelRegistry models,
    IServedModelStore store,
    IRegistryStore registry,
    ITrackingStore tracking,
    IArtifactStore artifacts,
    IOptions<ModelFollowerOptions> options,
    TimeProvider time,
    ILogger<ServedModelPersistence> logger) : BackgroundService
{
    /// <summary>Stored entries that do not serve (yet): loading, or failed with their error.</summary>
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>One gate per name: an add, a remove and a sync of one name never overlap.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>When (in <see cref="_changes"/> ticks) this replica last added or removed each name.</summary>
    private readonly ConcurrentDictionary<string, long> _changedAt = new(StringComparer.Ordinal);

    /// <summary>The names this persistence serves from the store (added, or loaded by a sync); only these are stopped when no longer stored.</summary>
    private readonly ConcurrentDictionary<string, byte> _managed = new(StringComparer.Ordinal);

    /// <summary>A counter of this replica's own adds and removes.</summary>
    private long _changes;

    /// <summary>Loads <paramref name="modelUri"/> as <paramref name="name"/> (replacing what the name served) and stores the entry.</summary>
    public async Task<ServedModel> AddAsync(string name, string modelUri, CancellationToken cancellationToken)
    {
        var entry = new ServedModelEntry(name, modelUri);
        var gate = Gate(name);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var model = await models.LoadFromRegistryAsync(name, modelUri, registry, tracking, artifacts, cancellationToken).ConfigureAwait(false);

            // Served now: store it even if the caller has gone, or a restart (and the other replicas) would not know it.
            await store.UpsertAsync(entry, CancellationToken.None).ConfigureAwait(false);
            _managed[name] = 0;
            _pending.TryRemove(name, out _);
            return model;
        }
        finally
        {
            Changed(name);
            gate.Release();
        }
    }

    /// <summary>Stops serving <paramref name="name"/> and deletes its entry; false when it was neither served nor stored.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var gate = Gate(name);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var served = models.Remove(name);
            var stored = await store.RemoveAsync(name, CancellationToken.None).ConfigureAwait(false);
            _managed.TryRemove(name, out _);
            _pending.TryRemove(name, out _);
            return served || stored;
        }
        finally
        {
            Changed(name);
            gate.Release();
        }
    }

    /// <summary>
    /// The admin API's list: every served model (<c>status: serving</c>), then the stored entries
    /// that do not serve (yet).
    /// </summary>
    public JsonArray DescribeAll() => new(
    [
        .. models.All.Select(m =>
        {
            var described = ScoringResponses.Describe(m);
            described["status"] = "serving";
            return (JsonNode)described;
        }),
        .. DescribeNotServing(),
    ]);

    /// <summary>Stored entries that do not serve (yet): <c>loading</c> while their load runs, <c>failed</c> with the error after.</summary>
    private IEnumerable<JsonObject> DescribeNotServing()
    {
        foreach (var pending in _pending.Values.OrderBy(r => r.Entry.Name, StringComparer.Ordinal))
        {
            if (models.TryGet(pending.Entry.Name, out _))
            {
                continue;
            }

            yield return new JsonObject
            {
                ["name"] = pending.Entry.Name,
                ["version"] = string.Empty,
                ["model_uri"] = pending.Entry.ModelUri,
                ["ready"] = false,
                ["status"] = pending.Error is null ? "loading" : "failed",
                ["follows"] = pending.Entry.Follows,
                ["last_error"] = pending.Error is { } error
                    ? new JsonObject { ["message"] = error, ["timestamp"] = pending.FailedAt.ToUnixTimeMilliseconds() }
                    : null,
            };
        }
    }

    private SemaphoreSlim Gate(string name) => _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));

    /// <summary>Records an add or remove of <paramref name="name"/> by this replica (after its store write, under its gate).</summary>
    private void Changed(string name) => _changedAt[name] = Interlocked.Increment(ref _changes);

    /// <summary>Whether this replica added or removed <paramref name="name"/> after <paramref name="since"/>.</summary>
    private bool ChangedSince(string name, long since) => _changedAt.TryGetValue(name, out var at) && at > since;

    /// <summary>A stored entry being loaded, or whose load failed.</summary>
    private sealed class Pending(ServedModelEntry entry)
    {
        public ServedModelEntry Entry { get; } = entry;

        public volatile string? Error;

        public DateTimeOffset FailedAt { get; set; }
    }
}
