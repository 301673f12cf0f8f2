using System.Globalization;
using Keel.Core.Paging;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Keel.Storage.Sql.Search;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    /// <inheritdoc />
    public async Task<PagedResult<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.Required(key, "metric_key");
        var cursor = PageToken.ToCursor(pageToken, 3);
        await ReadyAsync().ConfigureAwait(false);

        // The primary key is (run_key, key, step, timestamp, seq): a page is one index range read in order.
        using var cmd = _database.Command($"""
            SELECT run_key FROM runs WHERE run_uuid = @id;
            SELECT value, is_nan, timestamp, step, seq FROM metrics
            WHERE run_key = (SELECT run_key FROM runs WHERE run_uuid = @id) AND key = @k
            {(cursor is null ? "" : "AND (step, timestamp, seq) > (@s, @t, @q)")}
            ORDER BY step, timestamp, seq LIMIT @n
            """);
        cmd.Text("id", runId).Text("k", key).Long("n", maxResults == int.MaxValue ? null : maxResults + 1L);
        if (cursor is not null)
        {
            cmd.Long("s", cursor[0]).Long("t", cursor[1]).Long("q", cursor[2]);
        }

        var metrics = new List<Metric>(Math.Min(maxResults, 4096));
        long lastStep = 0, lastTimestamp = 0, lastSeq = 0;
        string? next = null;
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw RunNotFound(runId);
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (metrics.Count == maxResults)
                {
                    next = PageToken.FromCursor(lastStep, lastTimestamp, lastSeq);
                    break;
                }

                lastTimestamp = reader.GetInt64(2);
                lastStep = reader.GetInt64(3);
                lastSeq = reader.GetInt64(4);
                metrics.Add(new Metric(key, reader.GetInt16(1) != 0 ? double.NaN : reader.GetDouble(0), lastTimestamp, lastStep));
            }
        }

        return new PagedResult<Metric>(metrics, next);
    }

    /// <inheritdoc />
    public async Task<PagedResult<Run>> SearchRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var experimentIds = RunSearchSql.ExperimentIds(query.ExperimentIds);

        var offset = PageToken.ToOffset(query.PageToken);
        var sql = RunSearchSql.Build(experimentIds, query.Filter, query.ViewType, query.OrderBy, query.MaxResults + 1, offset, SqlDialect.PostgreSql);
        var keys = await QueryKeysAsync(sql, cancellationToken).ConfigureAwait(false);
        var byKey = keys.Count == 0
            ? []
            : (await LoadRunsAsync("r.run_key = ANY(@keys)", c => c.Array("keys", NpgsqlDbType.Bigint, keys.ToArray()), cancellationToken).ConfigureAwait(false))
                .ToDictionary(r => r.Key, r => r.Run);
        return PostgresCommands.Page(keys.Select(k => byKey[k]).ToList(), query.MaxResults, offset);
    }

    /// <summary>
    /// Whole runs (info, latest metrics, params, tags, inputs) matching <paramref name="where"/> (over
    /// alias <c>r</c>), in one round trip of six statements.
    /// </summary>
    private async Task<List<(long Key, Run Run)>> LoadRunsAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await ReadyAsync().ConfigureAwait(false);
        var keys = $"(SELECT r.run_key FROM runs r WHERE {where})";
        using var cmd = _database.Command($"""
            SELECT r.run_key, r.run_uuid, r.name, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage
            FROM runs r WHERE {where};
            SELECT run_key, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_key IN {keys} ORDER BY key;
            SELECT run_key, key, value FROM params WHERE run_key IN {keys} ORDER BY key;
            SELECT run_key, key, value FROM tags WHERE run_key IN {keys} ORDER BY key;
            SELECT run_key, dataset_key, key, value FROM input_tags WHERE run_key IN {keys} ORDER BY key;
            SELECT i.run_key, d.dataset_key, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM inputs i JOIN datasets d ON d.dataset_key = i.dataset_key WHERE i.run_key IN {keys} ORDER BY d.name, d.digest
            """);
        bind(cmd);
        var infos = new List<(long Key, RunInfo Info)>();
        Dictionary<long, List<Metric>> metrics;
        Dictionary<long, List<Param>> @params;
        Dictionary<long, List<RunTag>> tags;
        Dictionary<(long, long), List<InputTag>> inputTags = [];
        Dictionary<long, List<DatasetInput>> inputs;
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(1);
                infos.Add((reader.GetInt64(0), new RunInfo(
                    id, id, reader.GetString(2), reader.GetInt64(3).ToString(CultureInfo.InvariantCulture), reader.GetString(4),
                    TrackingColumns.ParseStatus(reader.GetString(5)), reader.GetInt64(6), reader.GetNullableInt64(7),
                    reader.GetString(8), reader.GetString(9))));
            }

            metrics = await GroupAsync(reader, r => new Metric(r.GetString(1), r.GetInt16(3) != 0 ? double.NaN : r.GetDouble(2), r.GetInt64(4), r.GetInt64(5)), cancellationToken).ConfigureAwait(false);
            @params = await GroupAsync(reader, r => new Param(r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false);
            tags = await GroupAsync(reader, r => new RunTag(r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var k = (reader.GetInt64(0), reader.GetInt64(1));
                if (!inputTags.TryGetValue(k, out var list))
                {
                    inputTags[k] = list = [];
                }

                list.Add(new InputTag(reader.GetString(2), reader.GetString(3)));
            }

            inputs = await GroupAsync(reader, r => new DatasetInput(
                inputTags.TryGetValue((r.GetInt64(0), r.GetInt64(1)), out var t) ? t : [],
                new Dataset(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetNullableString(6), r.GetNullableString(7))), cancellationToken).ConfigureAwait(false);
        }

        var result = new List<(long, Run)>(infos.Count);
        foreach (var (key, info) in infos)
        {
            result.Add((key, new Run(info, new RunData(Get(metrics, key), Get(@params, key), Get(tags, key)), new RunInputs(Get(inputs, key)))));
        }

        return result;
    }

    private static IReadOnlyList<T> Get<T>(Dictionary<long, List<T>> groups, long key) => groups.TryGetValue(key, out var list) ? list : [];

    /// <summary>The reader's next result set, grouped by its first column (a run key).</summary>
    private static async Task<Dictionary<long, List<T>>> GroupAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var groups = new Dictionary<long, List<T>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
