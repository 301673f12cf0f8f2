using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

// Reads: a page in (timestamp, id) order from the model-time or deployment-time index, its column
// lists from a per-process cache (one query for lists not seen yet), then the feedback of the page's
// request ids with one array parameter.
public sealed partial class PostgresPredictionStore
{
    private const string Columns = "l.id, l.request_id, l.model_name, l.model_version, l.timestamp, l.latency_us, l.row_count, l.input_columns_id, l.inputs, l.outputs, l.deployment, l.arm, l.error_code";

    /// <inheritdoc />
    public async Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var cursor = PageToken.ToCursor(query.PageToken, 2);
        var rows = new List<(long Id, long ColumnsId, PredictionLogRecord Record)>(Math.Min(query.MaxResults, 1024) + 1);
        using (var cmd = database.Command(string.Empty))
        {
            var sql = new StringBuilder($"SELECT {Columns} FROM prediction_log l WHERE ");
            AppendFilters(sql, cmd, query);
            if (cursor is not null)
            {
                sql.Append(" AND (l.timestamp, l.id) > (@ct, @ci)");
                cmd.Long("ct", cursor[0]).Long("ci", cursor[1]);
            }

            sql.Append(" ORDER BY l.timestamp, l.id LIMIT @n");
            cmd.CommandText = sql.ToString();
            cmd.Int("n", query.MaxResults + 1);
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Rows logged before requests were checked may hold lone surrogate escapes: repaired
                    // here so no reader (the API's pages, keel predictions export) fails on them.
                    rows.Add((reader.GetInt64(0), reader.GetInt64(7), new PredictionLogRecord(
                        reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt32(6), [], JsonText.ReplaceLoneSurrogates(reader.GetString(8)), JsonText.ReplaceLoneSurrogates(reader.GetString(9)))
                    {
                        Deployment = reader.GetNullableString(10),
                        Arm = reader.GetNullableString(11),
                        ErrorCode = reader.GetNullableString(12),
                    }));
                }
            }
        }

        if (rows.Count == 0 && cursor is null && !await LoggedAsync(query, cancellationToken).ConfigureAwait(false))
        {
            throw KeelException.NotFound(query.Deployment is null
                ? $"No predictions were logged for model '{query.ModelName}'."
                : $"No predictions were logged for deployment '{query.Deployment}'.");
        }

        string? next = null;
        if (rows.Count > query.MaxResults)
        {
            rows.RemoveAt(rows.Count - 1);
            next = PageToken.FromCursor(rows[^1].Record.TimestampMs, rows[^1].Id);
        }

        await LoadColumnListsAsync(rows.Select(r => r.ColumnsId), cancellationToken).ConfigureAwait(false);
        var feedback = rows.Count == 0 ? [] : await LoadFeedbackAsync(rows.Select(r => r.Record.RequestId), cancellationToken).ConfigureAwait(false);
        var items = new List<LoggedPrediction>(rows.Count);
        foreach (var (_, columnsId, read) in rows)
        {
            var record = read with { InputColumns = _columnLists[columnsId] };
            items.Add(feedback.TryGetValue(record.RequestId, out var list)
                ? new LoggedPrediction(record, PredictionLabels.Merge(record.RowCount, list), list.Max(f => f.TimestampMs))
                : new LoggedPrediction(record, null, null));
        }

        return new PagedResult<LoggedPrediction>(items, next);
    }

    /// <summary>Whether anything was ever logged for the query's deployment (when it names one), else its model.</summary>
    private async Task<bool> LoggedAsync(PredictionQuery query, CancellationToken cancellationToken)
    {
        using var cmd = query.Deployment is not null
            ? database.Command("SELECT EXISTS (SELECT 1 FROM prediction_log WHERE deployment = @k)").Text("k", PostgresText.Storable(query.Deployment))
            : database.Command("SELECT EXISTS (SELECT 1 FROM prediction_log WHERE model_name = @k)").Text("k", PostgresText.Storable(query.ModelName));
        return (await cmd.ListAsync(r => r.GetBoolean(0), cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The query's time range and filters, as a WHERE clause over <c>prediction_log l</c> (without the word WHERE).</summary>
    private static void AppendFilters(StringBuilder sql, NpgsqlCommand cmd, PredictionQuery query)
    {
        sql.Append("l.timestamp >= @from AND l.timestamp < @to");
        cmd.Long("from", query.FromMs ?? long.MinValue).Long("to", query.ToMs ?? long.MaxValue);
        if (!string.IsNullOrEmpty(query.ModelName))
        {
            sql.Append(" AND l.model_name = @m");
            cmd.Text("m", PostgresText.Storable(query.ModelName));
        }

        if (query.Deployment is not null)
        {
            sql.Append(" AND l.deployment = @d");
            cmd.Text("d", PostgresText.Storable(query.Deployment));
        }

        if (query.Arm is not null)
        {
            sql.Append(" AND l.arm = @a");
            cmd.Text("a", query.Arm);
        }

        sql.Append(query.Errors switch
        {
            PredictionErrorFilter.Include => string.Empty,
            PredictionErrorFilter.Only => " AND l.error_code IS NOT NULL",
            _ => " AND l.error_code IS NULL",
        });
    }

    /// <summary>Puts every column list of <paramref name="ids"/> not cached yet into the cache, with one query.</summary>
    private async Task LoadColumnListsAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        var missing = ids.Where(id => !_columnLists.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        using var cmd = database.Command("SELECT id, columns FROM prediction_input_columns WHERE id = ANY(@ids)").Array("ids", NpgsqlDbType.Bigint, missing);
        foreach (var (id, text) in await cmd.ListAsync(r => (r.GetInt64(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
        {
            _columnLists.TryAdd(id, JsonSerializer.Deserialize<string[]>(JsonText.ReplaceLoneSurrogates(text)) ?? []);
        }
    }

    /// <summary>The feedback of <paramref name="requestIds"/>, oldest first per request, in one statement.</summary>
    private async Task<Dictionary<string, List<PredictionFeedback>>> LoadFeedbackAsync(IEnumerable<string> requestIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<PredictionFeedback>>(StringComparer.Ordinal);
        using var cmd = database.Command("SELECT request_id, row_index, labels, label_count, timestamp FROM prediction_feedback WHERE request_id = ANY(@r) ORDER BY id")
            .Array("r", NpgsqlDbType.Text, requestIds.Distinct(StringComparer.Ordinal).ToArray());
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!result.TryGetValue(id, out var list))
                {
                    result[id] = list = [];
                }

                list.Add(new PredictionFeedback(id, reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetInt64(4)));
            }
        }

        return result;
    }
}
