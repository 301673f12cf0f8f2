using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Tracking;

namespace Keel.Server.Serving;

/// <summary>
/// Keeps what the main server serves in the <see cref="IServedModelStore"/>, so a restart serves it
/// again. Adding through the admin API loads the model first and stores it once it serves; removing
/// stops serving and deletes the entry. At start-up every stored entry is loaded in the background
/// (start-up does not wait for slow loads), one after the other; an entry that fails to load is
/// kept in the store and listed with its error (<c>status: failed</c>) until it is added again or
/// removed. An add or remove of a name waits for that name's restore to finish, so the two never
/// race.
/// </summary>
internal sealed partial class ServedModelPersistence(
    ServedModelRegistry models,
    IServedModelStore store,
    IRegistryStore registry,
    ITrackingStore tracking,
    IArtifactStore artifacts,
    TimeProvider time,
    ILogger<ServedModelPersistence> logger) : BackgroundService
{
    private readonly TaskCompletionSource _listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, Restore> _restores = new(StringComparer.Ordinal);

    /// <summary>Loads <paramref name="modelUri"/> as <paramref name="name"/> (replacing what the name served) and stores the entry.</summary>
    public async Task<ServedModel> AddAsync(string name, string modelUri, CancellationToken cancellationToken)
    {
        var entry = new ServedModelEntry(name, modelUri);
        await WaitForRestoreAsync(name, cancellationToken).ConfigureAwait(false);
        var model = await models.LoadFromRegistryAsync(name, modelUri, registry, tracking, artifacts, cancellationToken).ConfigureAwait(false);

        // Served now: store it even if the caller has gone, or a restart would forget it.
        await store.UpsertAsync(entry, CancellationToken.None).ConfigureAwait(false);
        _restores.TryRemove(name, out _);
        return model;
    }

    /// <summary>Stops serving <paramref name="name"/> and deletes its entry; false when it was neither served nor stored.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await WaitForRestoreAsync(name, cancellationToken).ConfigureAwait(false);
        var served = models.Remove(name);
        var stored = await store.RemoveAsync(name, CancellationToken.None).ConfigureAwait(false);
        _restores.TryRemove(name, out _);
        return served || stored;
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

    /// <summary>Stored entries that do not serve (yet): <c>loading</c> while their restore runs, <c>failed</c> with the error after.</summary>
    private IEnumerable<JsonObject> DescribeNotServing()
    {
        foreach (var restore in _restores.Values.OrderBy(r => r.Entry.Name, StringComparer.Ordinal))
        {
            if (models.TryGet(restore.Entry.Name, out _))
            {
                continue;
            }

            yield return new JsonObject
            {
                ["name"] = restore.Entry.Name,
                ["version"] = string.Empty,
                ["model_uri"] = restore.Entry.ModelUri,
                ["ready"] = false,
                ["status"] = restore.Error is null ? "loading" : "failed",
                ["follows"] = restore.Entry.Follows,
                ["last_error"] = restore.Error is { } error
                    ? new JsonObject { ["message"] = error, ["timestamp"] = restore.FailedAt.ToUnixTimeMilliseconds() }
                    : null,
            };
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting: restores run in the background.
        await Task.Yield();
        try
        {
            await RestoreAllAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _listed.TrySetResult();
            foreach (var restore in _restores.Values)
            {
                restore.Done.TrySetResult();
            }
        }
    }

    private async Task RestoreAllAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<ServedModelEntry> entries;
        try
        {
            entries = await store.ListAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogListFailed(logger, e);
            return;
        }

        foreach (var entry in entries)
        {
            _restores[entry.Name] = new Restore(entry);
        }

        _listed.TrySetResult();
        foreach (var entry in entries)
        {
            if (!_restores.TryGetValue(entry.Name, out var restore))
            {
                continue;
            }

            try
            {
                var model = await models.LoadFromRegistryAsync(entry.Name, entry.ModelUri, registry, tracking, artifacts, stoppingToken).ConfigureAwait(false);
                _restores.TryRemove(entry.Name, out _);
                LogRestored(logger, entry.Name, entry.ModelUri, model.Version);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                restore.Error = e.Message;
                restore.FailedAt = time.GetUtcNow();
                LogRestoreFailed(logger, entry.Name, entry.ModelUri, e);
            }
            finally
            {
                restore.Done.TrySetResult();
            }
        }
    }

    private async Task WaitForRestoreAsync(string name, CancellationToken cancellationToken)
    {
        if (ExecuteTask is null)
        {
            return; // Not started as a hosted service (nothing to restore).
        }

        await _listed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_restores.TryGetValue(name, out var restore))
        {
            await restore.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A stored entry being restored, or whose restore failed.</summary>
    private sealed class Restore(ServedModelEntry entry)
    {
        public ServedModelEntry Entry { get; } = entry;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile string? Error;

        public DateTimeOffset FailedAt { get; set; }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Serving {Name}: restored {Source} (version {Version})")]
    private static partial void LogRestored(ILogger logger, string name, string source, string version);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Serving {Name}: restoring {Source} failed; it stays stored and is listed as failed until it is added again or removed")]
    private static partial void LogRestoreFailed(ILogger logger, string name, string source, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Serving: the stored served models could not be read; none were restored")]
    private static partial void LogListFailed(ILogger logger, Exception exception);
}
