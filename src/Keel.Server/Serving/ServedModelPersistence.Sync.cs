using Keel.Core.Serving;

namespace Keel.Server.Serving;

internal sealed partial class ServedModelPersistence
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting: loads run in the background.
        await Task.Yield();
        try
        {
            await SyncAsync(stoppingToken).ConfigureAwait(false);
            var interval = options.Value.FollowInterval;
            if (interval <= TimeSpan.Zero)
            {
                return; // Following is off: the store is read at start-up only (ModelFollower logs it).
            }

            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SyncAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// One pass: reads the store, loads each entry this replica does not serve as stored (a new
    /// name, or a name stored with another URI), one after the other, and stops serving the names no
    /// longer stored (of those it served from the store: a model published otherwise, as
    /// <c>keel serve</c> or a test does, is left alone). A name this replica is adding or removing right now is left to that change
    /// (the next pass looks again), and a name it added or removed after this pass read the store is
    /// skipped, so a pass never undoes a newer local change. A load runs off the request path;
    /// the version served before keeps serving until the new one is warm. Never throws but for cancellation.
    /// </summary>
    internal async Task SyncAsync(CancellationToken cancellationToken)
    {
        var since = Interlocked.Read(ref _changes);
        IReadOnlyList<ServedModelEntry> entries;
        try
        {
            entries = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogListFailed(logger, e);
            return;
        }

        var stored = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!ServesAsStored(entry) && !(_pending.TryGetValue(entry.Name, out var pending) && pending.Entry == entry))
            {
                _pending[entry.Name] = new Pending(entry);
            }
        }

        foreach (var entry in entries)
        {
            await WithGateAsync(entry.Name, since, () => LoadAsync(entry, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        var gone = _managed.Keys.Concat(_pending.Keys).Where(n => !stored.ContainsKey(n)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in gone)
        {
            await WithGateAsync(name, since, () => Unload(name), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="action"/> under the name's gate, unless a local change of the name runs now or ran after <paramref name="since"/>.</summary>
    private async Task WithGateAsync(string name, long since, Func<Task> action, CancellationToken cancellationToken)
    {
        var gate = Gate(name);
        if (!await gate.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            if (!ChangedSince(name, since))
            {
                await action().ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task LoadAsync(ServedModelEntry entry, CancellationToken cancellationToken)
    {
        if (ServesAsStored(entry))
        {
            _managed[entry.Name] = 0;
            _pending.TryRemove(entry.Name, out _);
            return;
        }

        if (!_pending.TryGetValue(entry.Name, out var pending) || pending.Entry != entry)
        {
            pending = _pending[entry.Name] = new Pending(entry);
        }
        else if (pending.Error is not null)
        {
            return; // Failed as stored: tried again once the entry is stored again (added anywhere).
        }

        try
        {
            var model = await models.LoadFromRegistryAsync(entry.Name, entry.ModelUri, registry, tracking, artifacts, cancellationToken).ConfigureAwait(false);
            _managed[entry.Name] = 0;
            _pending.TryRemove(entry.Name, out _);
            LogLoaded(logger, entry.Name, entry.ModelUri, model.Version);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            pending.Error = e.Message;
            pending.FailedAt = time.GetUtcNow();
            LogLoadFailed(logger, entry.Name, entry.ModelUri, e);
        }
    }

    private Task Unload(string name)
    {
        _pending.TryRemove(name, out _);
        _managed.TryRemove(name, out _);
        if (models.Remove(name))
        {
            LogUnloaded(logger, name);
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether this replica serves <paramref name="entry"/>'s name from its URI.</summary>
    private bool ServesAsStored(ServedModelEntry entry) =>
        models.TryGet(entry.Name, out var served) && string.Equals(served.ModelUri, entry.ModelUri, StringComparison.Ordinal);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Serving {Name}: loaded {Source} (version {Version}) as the served-model store has it")]
    private static partial void LogLoaded(ILogger logger, string name, string source, string version);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Serving {Name}: loading {Source} from the served-model store failed; it stays stored and is listed as failed until it is added again or removed")]
    private static partial void LogLoadFailed(ILogger logger, string name, string source, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Serving: the stored served models could not be read; this replica serves what it served until the next pass")]
    private static partial void LogListFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Serving {Name}: no longer in the served-model store (removed through another replica); stopped serving it")]
    private static partial void LogUnloaded(ILogger logger, string name);
}
