using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The prediction log in the tracking database (tables <c>prediction_log</c> and
/// <c>prediction_feedback</c>, schema version 5). Writes share the database's group-commit
/// writer: SQLite allows one writer at a time anyway, and the queue interleaves a log batch (one
/// write, one transaction for thousands of rows) with tracking writes instead of letting a second
/// connection fight them for the lock. Reads use pooled read connections and never block writes.
/// Appends bind the UTF-8 inputs and outputs straight into one prepared statement (no strings);
/// <see cref="PruneAsync"/> applies a retention policy in short batches.
/// </summary>
public sealed partial class SqlitePredictionStore(SqliteDatabase database) : IPredictionStore
{
    private const string Columns = "l.id, l.request_id, l.model_name, l.model_version, l.timestamp, l.latency_us, l.row_count, l.input_columns_id, c.columns, l.inputs, l.outputs, l.deployment, l.arm, l.error_code";

    /// <summary>Column list (JSON) to its id; only ids of committed rows.</summary>
    private readonly ConcurrentDictionary<string, long> _columnIds = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var entries = new PredictionLogEntry[records.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = PredictionLogEntry.From(records[i]);
        }

        return AppendAsync(entries, cancellationToken);
    }

    /// <summary>The id of a column list, stored on first use.</summary>
    private long ColumnsId(SqliteTransaction tx, string columns)
    {
        var insert = database.Statement(tx, "INSERT INTO prediction_input_columns (columns) VALUES ($c) ON CONFLICT (columns) DO NOTHING");
        insert.Parameters.AddWithValue("$c", columns);
        insert.ExecuteNonQuery();
        var select = database.Statement(tx, "SELECT id FROM prediction_input_columns WHERE columns = $c");
        select.Parameters.AddWithValue("$c", columns);
        return Convert.ToInt64(select.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        return database.WriteAsync(tx =>
        {
            // Feedback joins answered requests only: a failed request has no prediction to label.
            var rows = database.Statement(tx, "SELECT row_count FROM prediction_log WHERE request_id = $r AND error_code IS NULL");
            rows.Parameters.AddWithValue("$r", feedback.RequestId);
            var counts = new List<int>();
            using (var reader = rows.ExecuteReader())
            {
                while (reader.Read())
                {
                    counts.Add(reader.GetInt32(0));
                }
            }

            if (counts.Count == 0)
            {
                throw PredictionFeedback.UnknownRequest(feedback.RequestId);
            }

            foreach (var count in counts.Distinct())
            {
                feedback.CheckAgainst(count);
            }

            var insert = database.Statement(tx, "INSERT INTO prediction_feedback (request_id, row_index, labels, label_count, timestamp) VALUES ($r, $i, $l, $c, $t)");
            insert.Parameters.AddWithValue("$r", feedback.RequestId);
            insert.Parameters.AddWithValue("$i", (object?)feedback.RowIndex ?? DBNull.Value);
            insert.Parameters.AddWithValue("$l", feedback.LabelsJson);
            insert.Parameters.AddWithValue("$c", feedback.LabelCount);
            insert.Parameters.AddWithValue("$t", feedback.TimestampMs);
            insert.ExecuteNonQuery();
            return counts.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var cursor = PageToken.ToCursor(query.PageToken, 2);
        using var connection = database.OpenReadConnection();
        var records = new List<(long Id, PredictionLogRecord Record)>(Math.Min(query.MaxResults, 1024) + 1);
        using (var cmd = connection.CreateCommand())
        {
            var sql = new StringBuilder($"SELECT {Columns} FROM prediction_log l JOIN prediction_input_columns c ON c.id = l.input_columns_id WHERE ");
            AppendFilters(sql, cmd, query);
            if (cursor is not null)
            {
                sql.Append(" AND (l.timestamp > $ct OR (l.timestamp = $ct AND l.id > $ci))");
                cmd.Parameters.AddWithValue("$ct", cursor[0]);
                cmd.Parameters.AddWithValue("$ci", cursor[1]);
            }

            sql.Append(" ORDER BY l.timestamp, l.id LIMIT $n");
            cmd.CommandText = sql.ToString();
            cmd.Parameters.AddWithValue("$n", query.MaxResults + 1);
            var columnLists = new Dictionary<long, string[]>();
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var columnsId = reader.GetInt64(7);
                if (!columnLists.TryGetValue(columnsId, out var columns))
                {
                    columnLists[columnsId] = columns = JsonSerializer.Deserialize<string[]>(JsonText.ReplaceLoneSurrogates(reader.GetString(8))) ?? [];
                }

                // Rows logged before requests were checked may hold lone surrogate escapes: repaired
                // here so no reader (the API's pages, keel predictions export) fails on them.
                records.Add((reader.GetInt64(0), new PredictionLogRecord(
                    reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt32(6), columns, JsonText.ReplaceLoneSurrogates(reader.GetString(9)), JsonText.ReplaceLoneSurrogates(reader.GetString(10)))
                {
                    Deployment = reader.IsDBNull(11) ? null : reader.GetString(11),
                    Arm = reader.IsDBNull(12) ? null : reader.GetString(12),
                    ErrorCode = reader.IsDBNull(13) ? null : reader.GetString(13),
                }));
            }
        }

        if (records.Count == 0 && cursor is null && !Logged(connection, query))
        {
            throw KeelException.NotFound(query.Deployment is null
                ? $"No predictions were logged for model '{query.ModelName}'."
                : $"No predictions were logged for deployment '{query.Deployment}'.");
        }

        string? next = null;
        if (records.Count > query.MaxResults)
        {
            records.RemoveAt(records.Count - 1);
            next = PageToken.FromCursor(records[^1].Record.TimestampMs, records[^1].Id);
        }

        var feedback = records.Count == 0
            ? []
            : LoadFeedback(connection, query, (records[0].Record.TimestampMs, records[0].Id), (records[^1].Record.TimestampMs, records[^1].Id));
        var items = new List<LoggedPrediction>(records.Count);
        foreach (var (_, record) in records)
        {
            if (feedback.TryGetValue(record.RequestId, out var list))
            {
                items.Add(new LoggedPrediction(record, PredictionLabels.Merge(record.RowCount, list), list.Max(f => f.TimestampMs)));
            }
            else
            {
                items.Add(new LoggedPrediction(record, null, null));
            }
        }

        return Task.FromResult(new PagedResult<LoggedPrediction>(items, next));
    }

    /// <summary>Whether anything was ever logged for the query's deployment (when it names one), else its model.</summary>
    private static bool Logged(SqliteConnection connection, PredictionQuery query)
    {
        using var cmd = connection.CreateCommand();
        if (query.Deployment is not null)
        {
            cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM prediction_log WHERE deployment = $d)";
            cmd.Parameters.AddWithValue("$d", query.Deployment);
        }
        else
        {
            cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM prediction_log WHERE model_name = $m)";
            cmd.Parameters.AddWithValue("$m", query.ModelName);
        }

        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>The query's time range and filters, as a WHERE clause over <c>prediction_log l</c> (without the word WHERE).</summary>
    private static void AppendFilters(StringBuilder sql, SqliteCommand cmd, PredictionQuery query)
    {
        sql.Append("l.timestamp >= $from AND l.timestamp < $to");
        cmd.Parameters.AddWithValue("$from", query.FromMs ?? long.MinValue);
        cmd.Parameters.AddWithValue("$to", query.ToMs ?? long.MaxValue);
        if (!string.IsNullOrEmpty(query.ModelName))
        {
            sql.Append(" AND l.model_name = $m");
            cmd.Parameters.AddWithValue("$m", query.ModelName);
        }

        if (query.Deployment is not null)
        {
            sql.Append(" AND l.deployment = $d");
            cmd.Parameters.AddWithValue("$d", query.Deployment);
        }

        if (query.Arm is not null)
        {
            sql.Append(" AND l.arm = $a");
            cmd.Parameters.AddWithValue("$a", query.Arm);
        }

        sql.Append(query.Errors switch
        {
            PredictionErrorFilter.Include => string.Empty,
            PredictionErrorFilter.Only => " AND l.error_code IS NOT NULL",
            _ => " AND l.error_code IS NULL",
        });
    }

    /// <summary>
    /// The feedback of the page's requests, oldest first per request: one statement whose subquery
    /// selects the page's rows again by the query's filters and the page's first and last (timestamp,
    /// id) — rows are ordered by that pair, so those are exactly the page's rows. (A list of the page's
    /// request ids as parameters cost 20 statements of 500 bound ids per 10,000-row page: 40% of a
    /// monitoring pass's CPU in the server.)
    /// </summary>
    private static Dictionary<string, List<PredictionFeedback>> LoadFeedback(SqliteConnection connection, PredictionQuery query, (long Ts, long Id) first, (long Ts, long Id) last)
    {
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder("SELECT request_id, row_index, labels, label_count, timestamp FROM prediction_feedback WHERE request_id IN (SELECT l.request_id FROM prediction_log l WHERE ");
        AppendFilters(sql, cmd, query);
        sql.Append(" AND (l.timestamp > $ft OR (l.timestamp = $ft AND l.id >= $fi)) AND (l.timestamp < $lt OR (l.timestamp = $lt AND l.id <= $li))) ORDER BY id");
        cmd.Parameters.AddWithValue("$ft", first.Ts);
        cmd.Parameters.AddWithValue("$fi", first.Id);
        cmd.Parameters.AddWithValue("$lt", last.Ts);
        cmd.Parameters.AddWithValue("$li", last.Id);
        cmd.CommandText = sql.ToString();
        return ReadFeedback(cmd);
    }

    /// <summary>Feedback rows (request_id, row_index, labels, label_count, timestamp) by request, in the statement's order.</summary>
    private static Dictionary<string, List<PredictionFeedback>> ReadFeedback(SqliteCommand cmd)
    {
        var result = new Dictionary<string, List<PredictionFeedback>>(StringComparer.Ordinal);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            if (!result.TryGetValue(id, out var list))
            {
                result[id] = list = [];
            }

            list.Add(new PredictionFeedback(id, reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetInt64(4)));
        }

        return result;
    }
}
