using System.Text;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Storage.Monitoring;

namespace Keel.Storage.Sqlite;

// Windows: an upsert on the window key keeps the window's id, and its feature rows are replaced in
// the same transaction. Reads fetch a page of windows, then their features in one query.
public sealed partial class SqliteMonitoringStore
{
    /// <summary>Windows a retention write deletes at most at once, so appends interleave with a long prune.</summary>
    internal const int RetentionBatch = 1000;

    /// <inheritdoc />
    public Task<IReadOnlyList<MonitorWindow>> PutWindowsAsync(IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        for (var i = 0; i < windows.Count; i++)
        {
            MonitoringRecords.Check(windows[i], i);
        }

        if (windows.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MonitorWindow>>([]);
        }

        var now = database.NowMilliseconds();
        return database.WriteAsync<IReadOnlyList<MonitorWindow>>(tx =>
        {
            var stored = new List<MonitorWindow>(windows.Count);
            foreach (var window in windows)
            {
                var w = window with
                {
                    Deployment = string.IsNullOrEmpty(window.Deployment) ? null : window.Deployment,
                    Arm = string.IsNullOrEmpty(window.Arm) ? null : window.Arm,
                    ComputedAtMs = window.ComputedAtMs == 0 ? now : window.ComputedAtMs,
                };
                var upsert = database.Statement(tx, UpsertWindowSql);
                BindWindow(upsert, w);
                var id = (long)upsert.ExecuteScalar()!;

                var clear = database.Statement(tx, "DELETE FROM monitor_window_features WHERE window_id = $w");
                clear.Parameters.AddWithValue("$w", id);
                clear.ExecuteNonQuery();
                for (var p = 0; p < w.Features.Count; p++)
                {
                    var insert = database.Statement(tx, InsertFeatureSql);
                    BindFeature(insert, id, p, w.Features[p]);
                    insert.ExecuteNonQuery();
                }

                stored.Add(w with { Id = id });
            }

            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<MonitorWindow>> ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.Check(query);
        var offset = PageToken.ToOffset(query.PageToken);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {WindowColumns} FROM monitor_windows WHERE model = $m");
        cmd.Parameters.AddWithValue("$m", query.Model);
        if (query.Version is not null)
        {
            sql.Append(" AND version = $v");
            cmd.Parameters.AddWithValue("$v", query.Version);
        }

        if (query.Deployment is not null)
        {
            sql.Append(" AND deployment = $d");
            cmd.Parameters.AddWithValue("$d", query.Deployment);
        }

        if (query.Arm is not null)
        {
            sql.Append(" AND arm = $a");
            cmd.Parameters.AddWithValue("$a", query.Arm);
        }

        if (query.FromMs is { } from)
        {
            sql.Append(" AND end_ms > $from");
            cmd.Parameters.AddWithValue("$from", from);
        }

        if (query.ToMs is { } to)
        {
            sql.Append(" AND end_ms <= $to");
            cmd.Parameters.AddWithValue("$to", to);
        }

        sql.Append(" ORDER BY end_ms, window_id LIMIT $l OFFSET $o");
        cmd.Parameters.AddWithValue("$l", query.MaxResults + 1);
        cmd.Parameters.AddWithValue("$o", offset);
        cmd.CommandText = sql.ToString();
        var items = ReadWindows(connection, cmd);
        return Task.FromResult(Page(items, query.MaxResults, offset));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MonitorWindow>> LatestWindowsAsync(string? model, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT {WindowColumns} FROM monitor_windows WHERE window_id IN (
                SELECT window_id FROM (
                    SELECT window_id, ROW_NUMBER() OVER (PARTITION BY model, version, deployment, arm ORDER BY end_ms DESC, computed_at DESC, window_id DESC) AS n
                    FROM monitor_windows {(model is null ? "" : "WHERE model = $m")})
                WHERE n = 1)
            ORDER BY model, version, deployment, arm
            """;
        if (model is not null)
        {
            cmd.Parameters.AddWithValue("$m", model);
        }

        return Task.FromResult<IReadOnlyList<MonitorWindow>>(ReadWindows(connection, cmd));
    }

    /// <inheritdoc />
    public async Task<long> DeleteWindowsBeforeAsync(long beforeMs, CancellationToken cancellationToken = default)
    {
        long deleted = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = await database.WriteAsync(tx =>
            {
                var features = database.Statement(tx, """
                    DELETE FROM monitor_window_features WHERE window_id IN (
                        SELECT window_id FROM monitor_windows WHERE end_ms < $b ORDER BY end_ms, window_id LIMIT $n)
                    """);
                features.Parameters.AddWithValue("$b", beforeMs);
                features.Parameters.AddWithValue("$n", RetentionBatch);
                features.ExecuteNonQuery();
                var windows = database.Statement(tx, """
                    DELETE FROM monitor_windows WHERE window_id IN (
                        SELECT window_id FROM monitor_windows WHERE end_ms < $b ORDER BY end_ms, window_id LIMIT $n)
                    """);
                windows.Parameters.AddWithValue("$b", beforeMs);
                windows.Parameters.AddWithValue("$n", RetentionBatch);
                return (long)windows.ExecuteNonQuery();
            }, cancellationToken).ConfigureAwait(false);
            deleted += rows;
            if (rows < RetentionBatch)
            {
                return deleted;
            }
        }
    }
}
