using System.Text;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Storage.Monitoring;
using Npgsql;

namespace Keel.Storage.Postgres;

// Windows: a batch is one round trip (an NpgsqlBatch of three statements, atomic as one implicit
// transaction): the windows are upserted on their key from array parameters (keeping each window's
// id), their old feature rows deleted and the new ones inserted. Reads fetch a page of windows,
// then their features in one query.
public sealed partial class PostgresMonitoringStore
{
    /// <summary>Windows a retention statement deletes at most at once, so appends interleave with a long prune.</summary>
    internal const int RetentionBatch = 1000;

    private const string KeyOf = "unnest(@m, @v, @d, @a, @e, @s) WITH ORDINALITY AS k(model, version, deployment, arm, end_ms, start_ms, idx)";
    private const string KeyMatch = "w.model = k.model AND w.version = k.version AND w.deployment = k.deployment AND w.arm = k.arm AND w.end_ms = k.end_ms AND w.start_ms = k.start_ms";

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitorWindow>> PutWindowsAsync(IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        for (var i = 0; i < windows.Count; i++)
        {
            MonitoringRecords.Check(windows[i], i);
        }

        if (windows.Count == 0)
        {
            return [];
        }

        var now = database.NowMilliseconds();
        var normal = new MonitorWindow[windows.Count];

        // One row per key, the last of the batch winning (as writing them one by one would leave it):
        // one statement may not upsert the same row twice.
        var unique = new Dictionary<WindowKey, int>();
        var rows = new List<MonitorWindow>();
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i] with
            {
                Deployment = string.IsNullOrEmpty(windows[i].Deployment) ? null : windows[i].Deployment,
                Arm = string.IsNullOrEmpty(windows[i].Arm) ? null : windows[i].Arm,
                ComputedAtMs = windows[i].ComputedAtMs == 0 ? now : windows[i].ComputedAtMs,
            };
            normal[i] = w;
            var key = WindowKey.Of(w);
            if (unique.TryGetValue(key, out var at))
            {
                rows[at] = w;
            }
            else
            {
                unique[key] = rows.Count;
                rows.Add(w);
            }
        }

        var batch = database.DataSource.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            var upsert = new NpgsqlBatchCommand(UpsertWindowsSql);
            BindWindows(upsert, rows);
            var clear = new NpgsqlBatchCommand($"DELETE FROM monitor_window_features f USING monitor_windows w, {KeyOf} WHERE f.window_id = w.window_id AND {KeyMatch}");
            BindKeys(clear, rows);
            var insert = new NpgsqlBatchCommand(InsertFeaturesSql);
            BindKeys(insert, rows);
            BindFeatures(insert, rows);
            batch.BatchCommands.Add(upsert);
            batch.BatchCommands.Add(clear);
            batch.BatchCommands.Add(insert);

            var ids = new Dictionary<WindowKey, long>(rows.Count);
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids[new WindowKey(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6))] = reader.GetInt64(0);
                }

                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }
            }

            var stored = new List<MonitorWindow>(normal.Length);
            foreach (var w in normal)
            {
                stored.Add(w with { Id = ids[WindowKey.Of(w)] });
            }

            return stored;
        }
    }

    /// <inheritdoc />
    public async Task<PagedResult<MonitorWindow>> ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.Check(query);
        var offset = PageToken.ToOffset(query.PageToken);
        using var cmd = database.Command("");
        var sql = new StringBuilder($"SELECT {WindowColumns} FROM monitor_windows WHERE model = @m");
        cmd.Text("m", query.Model);
        if (query.Version is not null)
        {
            sql.Append(" AND version = @v");
            cmd.Text("v", query.Version);
        }

        if (query.Deployment is not null)
        {
            sql.Append(" AND deployment = @d");
            cmd.Text("d", query.Deployment);
        }

        if (query.Arm is not null)
        {
            sql.Append(" AND arm = @a");
            cmd.Text("a", query.Arm);
        }

        if (query.FromMs is { } from)
        {
            sql.Append(" AND end_ms > @from");
            cmd.Long("from", from);
        }

        if (query.ToMs is { } to)
        {
            sql.Append(" AND end_ms <= @to");
            cmd.Long("to", to);
        }

        sql.Append(" ORDER BY end_ms, window_id LIMIT @l OFFSET @o");
        cmd.CommandText = sql.ToString();
        cmd.Long("l", query.MaxResults + 1L).Long("o", offset);
        var items = await ReadWindowsAsync(cmd, cancellationToken).ConfigureAwait(false);
        return PostgresCommands.Page(items, query.MaxResults, offset);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitorWindow>> LatestWindowsAsync(string? model, CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command($"""
            SELECT {WindowColumns} FROM monitor_windows WHERE window_id IN (
                SELECT window_id FROM (
                    SELECT window_id, ROW_NUMBER() OVER (PARTITION BY model, version, deployment, arm ORDER BY end_ms DESC, computed_at DESC, window_id DESC) AS n
                    FROM monitor_windows {(model is null ? "" : "WHERE model = @m")}) latest
                WHERE n = 1)
            ORDER BY model COLLATE "C", version COLLATE "C", deployment COLLATE "C", arm COLLATE "C"
            """);
        if (model is not null)
        {
            cmd.Text("m", model);
        }

        return await ReadWindowsAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> DeleteWindowsBeforeAsync(long beforeMs, CancellationToken cancellationToken = default)
    {
        long deleted = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Feature rows go with their window (ON DELETE CASCADE), in the same statement.
            using var cmd = database.Command("""
                DELETE FROM monitor_windows WHERE window_id IN (
                    SELECT window_id FROM monitor_windows WHERE end_ms < @b ORDER BY end_ms, window_id LIMIT @n)
                """);
            cmd.Long("b", beforeMs).Int("n", RetentionBatch);
            var rows = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            deleted += rows;
            if (rows < RetentionBatch)
            {
                return deleted;
            }
        }
    }

    /// <summary>A window's key as stored: deployment and arm are '' outside a deployment.</summary>
    private readonly record struct WindowKey(string Model, string Version, string Deployment, string Arm, long EndMs, long StartMs)
    {
        public static WindowKey Of(MonitorWindow w) => new(w.Model, w.Version, w.Deployment ?? "", w.Arm ?? "", w.EndMs, w.StartMs);
    }
}
