using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Storage.Monitoring;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// Monitoring in the tracking database (schema version 10): monitor specs, windows as time series
/// (their feature drift in a child table clustered by window), alerts with an optimistic revision,
/// and alert history. Writes share the database's group-commit writer, so a batch of windows,
/// or an alert and its history entry, is one transaction; reads use pooled read connections.
/// </summary>
public sealed partial class SqliteMonitoringStore(SqliteDatabase database) : IMonitoringStore
{
    /// <inheritdoc />
    public Task<StoredMonitor> PutMonitorAsync(MonitorSpec spec, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);

        // Normalising a normalised spec changes nothing; a spec that is not one never gets stored.
        var normal = MonitorSpecValidator.Normalize(spec);
        var json = JsonSerializer.Serialize(normal, KeelJson.Options);
        var stored = new StoredMonitor(normal, database.NowMilliseconds(), user);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, """
                INSERT INTO monitors (model, spec, updated_at, updated_by) VALUES ($m, $s, $t, $u)
                ON CONFLICT (model) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """);
            cmd.Parameters.AddWithValue("$m", normal.Model);
            cmd.Parameters.AddWithValue("$s", json);
            cmd.Parameters.AddWithValue("$t", stored.UpdatedAtMs);
            cmd.Parameters.AddWithValue("$u", user);
            cmd.ExecuteNonQuery();
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredMonitor?> GetMonitorAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT spec, updated_at, updated_by FROM monitors WHERE model = $m";
        cmd.Parameters.AddWithValue("$m", model);
        using var reader = cmd.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadMonitor(reader) : null);
    }

    /// <inheritdoc />
    public Task<PagedResult<StoredMonitor>> ListMonitorsAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.CheckPageSize(maxResults);
        var offset = PageToken.ToOffset(pageToken);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT spec, updated_at, updated_by FROM monitors ORDER BY model LIMIT $l OFFSET $o";
        cmd.Parameters.AddWithValue("$l", maxResults + 1);
        cmd.Parameters.AddWithValue("$o", offset);
        var items = new List<StoredMonitor>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            items.Add(ReadMonitor(reader));
        }

        return Task.FromResult(Page(items, maxResults, offset));
    }

    /// <inheritdoc />
    public Task<bool> DeleteMonitorAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM monitors WHERE model = $m");
            cmd.Parameters.AddWithValue("$m", model);
            return cmd.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    private static StoredMonitor ReadMonitor(SqliteDataReader reader) => new(
        JsonSerializer.Deserialize<MonitorSpec>(reader.GetString(0), KeelJson.Options)!,
        reader.GetInt64(1),
        reader.GetString(2));

    private static PagedResult<T> Page<T>(List<T> items, int maxResults, long offset)
    {
        if (items.Count <= maxResults)
        {
            return new PagedResult<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new PagedResult<T>(items, PageToken.FromOffset(offset + maxResults));
    }
}
