using System.Collections.Concurrent;

namespace Keel.Core.Storage;

/// <summary>A store that could not write because its disk is full.</summary>
/// <param name="Store">Which store: <see cref="StorageHealth.Database"/> or <see cref="StorageHealth.Artifacts"/>.</param>
/// <param name="Path">The folder or file on the full disk (for the operator; never sent to API clients).</param>
/// <param name="Since">When the first failed write of this episode happened.</param>
public sealed record StorageProblem(string Store, string Path, DateTimeOffset Since);

/// <summary>
/// Whether the stores can write: a store that hits a full disk reports it here, and the next write
/// of that store that succeeds clears it. <c>/health</c> answers 503 while any problem is open.
/// One instance per server, shared by its stores; thread-safe.
/// </summary>
public sealed class StorageHealth
{
    /// <summary>The tracking, registry and prediction database.</summary>
    public const string Database = "database";

    /// <summary>The artifact store.</summary>
    public const string Artifacts = "artifacts";

    private readonly ConcurrentDictionary<string, StorageProblem> _problems = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates a healthy tracker.</summary>
    /// <param name="time">The clock for <see cref="StorageProblem.Since"/>; <see cref="TimeProvider.System"/> when null.</param>
    public StorageHealth(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Open problems, by store name.</summary>
    public IReadOnlyList<StorageProblem> Problems => _problems.Values.OrderBy(p => p.Store, StringComparer.Ordinal).ToArray();

    /// <summary>Whether every store can write (as far as the last writes tell).</summary>
    public bool IsHealthy => _problems.IsEmpty;

    /// <summary>Records that <paramref name="store"/> failed to write because the disk holding <paramref name="path"/> is full.</summary>
    /// <returns>True when this opens a new problem (the first failure since the store was last healthy).</returns>
    public bool ReportFull(string store, string path)
    {
        var added = false;
        _problems.GetOrAdd(store, s =>
        {
            added = true;
            return new StorageProblem(s, path, _time.GetUtcNow());
        });
        return added;
    }

    /// <summary>Records that <paramref name="store"/> wrote successfully.</summary>
    /// <returns>True when this closes a problem.</returns>
    public bool ReportWritten(string store) => !_problems.IsEmpty && _problems.TryRemove(store, out _);
}
