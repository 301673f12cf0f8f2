using System.Globalization;
using Keel.Core.Paging;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Keel.Storage.Sql.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    /// <inheritdoc />
    public Task<PagedResult<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.Required(key, "metric_key");
        var cursor = PageToken.ToCursor(pageToken, 3);
        using var connection = OpenRead();
        long runKey;
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT run_key FROM runs WHERE run_uuid = $id";
            find.Parameters.AddWithValue("$id", runId);
            runKey = find.ExecuteScalar() is long k ? k : throw RunNotFound(runId);
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = cursor is null
            ? "SELECT value, is_nan, timestamp, step, seq FROM metrics WHERE run_key = $r AND key = $k ORDER BY step, timestamp, seq LIMIT $n"
            : "SELECT value, is_nan, timestamp, step, seq FROM metrics WHERE run_key = $r AND key = $k AND (step, timestamp, seq) > ($s, $t, $q) ORDER BY step, timestamp, seq LIMIT $n";
        cmd.Parameters.AddWithValue("$r", runKey);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$n", maxResults == int.MaxValue ? -1L : maxResults + 1L);
        if (cursor is not null)
        {
            cmd.Parameters.AddWithValue("$s", cursor[0]);
            cmd.Parameters.AddWithValue("$t", cursor[1]);
            cmd.Parameters.AddWithValue("$q", cursor[2]);
        }

        var metrics = new List<Metric>(Math.Min(maxResults, 4096));
        long lastStep = 0, lastTimestamp = 0, lastSeq = 0;
        string? next = null;
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                if (metrics.Count == maxResults)
                {
                    next = PageToken.FromCursor(lastStep, lastTimestamp, lastSeq);
                    break;
                }

                lastTimestamp = reader.GetInt64(2);
                lastStep = reader.GetInt64(3);
                lastSeq = reader.GetInt64(4);
                metrics.Add(new Metric(key, reader.GetInt64(1) != 0 ? double.NaN : reader.GetDouble(0), lastTimestamp, lastStep));
            }
        }

        return Task.FromResult(new PagedResult<Metric>(metrics, next));
    }

    /// <inheritdoc />
    public Task<PagedResult<Run>> SearchRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var experimentIds = RunSearchSql.ExperimentIds(query.ExperimentIds);

        var offset = PageToken.ToOffset(query.PageToken);
        var sql = RunSearchSql.Build(experimentIds, query.Filter, query.ViewType, query.OrderBy, query.MaxResults + 1, offset, SqlDialect.Sqlite);
        using var connection = OpenRead();
        var keys = SqliteQueries.Query(connection, sql, r => r.GetInt64(0));
        var more = SqliteQueries.TrimToPage(keys, query.MaxResults);

        var byKey = keys.Count == 0
            ? []
            : LoadKeyedRuns(connection, $"r.run_key IN ({string.Join(',', keys)})", _ => { }).ToDictionary(r => r.Key, r => r.Run);
        var ordered = keys.Select(k => byKey[k]).ToList();
        return Task.FromResult(new PagedResult<Run>(ordered, more ? PageToken.FromOffset(offset + keys.Count) : null));
    }

    private static List<Run> LoadRuns(SqliteConnection connection, string where, Action<SqliteParameterCollection> bind) =>
        LoadKeyedRuns(connection, where, bind).Select(r => r.Run).ToList();

    /// <summary>Loads whole runs (info, latest metrics, params, tags, inputs) in five queries.</summary>
    private static List<(long Key, Run Run)> LoadKeyedRuns(SqliteConnection connection, string where, Action<SqliteParameterCollection> bind)
    {
        var infos = new List<(long Key, RunInfo Info)>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"""
                SELECT r.run_key, r.run_uuid, r.name, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage
                FROM runs r WHERE {where}
                """;
            bind(cmd.Parameters);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(1);
                infos.Add((reader.GetInt64(0), new RunInfo(
                    id, id, reader.GetString(2), reader.GetInt64(3).ToString(CultureInfo.InvariantCulture), reader.GetString(4),
                    TrackingColumns.ParseStatus(reader.GetString(5)), reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    reader.GetString(8), reader.GetString(9))));
            }
        }

        if (infos.Count == 0)
        {
            return [];
        }

        var keys = string.Join(',', infos.Select(i => i.Key));
        var metrics = Group(connection, $"SELECT run_key, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_key IN ({keys}) ORDER BY key",
            r => new Metric(r.GetString(1), r.GetInt64(3) != 0 ? double.NaN : r.GetDouble(2), r.GetInt64(4), r.GetInt64(5)));
        var @params = Group(connection, $"SELECT run_key, key, value FROM params WHERE run_key IN ({keys}) ORDER BY key",
            r => new Param(r.GetString(1), r.GetString(2)));
        var tags = Group(connection, $"SELECT run_key, key, value FROM tags WHERE run_key IN ({keys}) ORDER BY key",
            r => new RunTag(r.GetString(1), r.GetString(2)));
        var inputTags = new Dictionary<(long, long), List<InputTag>>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT run_key, dataset_key, key, value FROM input_tags WHERE run_key IN ({keys}) ORDER BY key";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var k = (reader.GetInt64(0), reader.GetInt64(1));
                if (!inputTags.TryGetValue(k, out var list))
                {
                    inputTags[k] = list = [];
                }

                list.Add(new InputTag(reader.GetString(2), reader.GetString(3)));
            }
        }

        var inputs = Group(connection, $"""
            SELECT i.run_key, d.dataset_key, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM inputs i JOIN datasets d ON d.dataset_key = i.dataset_key WHERE i.run_key IN ({keys}) ORDER BY d.name, d.digest
            """,
            r => new DatasetInput(
                inputTags.TryGetValue((r.GetInt64(0), r.GetInt64(1)), out var t) ? t : [],
                new Dataset(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7))));

        var result = new List<(long, Run)>(infos.Count);
        foreach (var (key, info) in infos)
        {
            result.Add((key, new Run(
                info,
                new RunData(Get(metrics, key), Get(@params, key), Get(tags, key)),
                new RunInputs(Get(inputs, key)))));
        }

        return result;
    }

    private static IReadOnlyList<T> Get<T>(Dictionary<long, List<T>> groups, long key) => groups.TryGetValue(key, out var list) ? list : [];

    private static Dictionary<long, List<T>> Group<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map)
    {
        var groups = new Dictionary<long, List<T>>();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var key = reader.GetInt64(0);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(map(reader));
        }

        return groups;
    }
}
