using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Predictions;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Keel.Storage.Sqlite;

// The monitoring pass's window read: the stored UTF-8 bytes straight into a page (no strings).
public sealed partial class SqlitePredictionStore : IPredictionWindowReader
{
    private const string WindowColumns = "l.id, l.request_id, l.model_version, l.timestamp, l.latency_us, l.row_count, l.input_columns_id, l.inputs, l.outputs, l.deployment, l.arm, l.error_code";

    /// <inheritdoc />
    /// <remarks>
    /// Each page is one statement on a pooled read connection (no read transaction is held between
    /// pages), prepared with SQLite's own API so that the inputs and outputs are copied from SQLite's
    /// row buffer into the page as they are stored: no UTF-16 strings, no UTF-8 round trip. A payload
    /// that holds a surrogate escape (<c>\uD8xx</c>-<c>\uDFxx</c>) or invalid UTF-8 — rows logged before
    /// requests were checked — goes through the same repair as <see cref="SearchAsync"/>
    /// (<see cref="JsonText.ReplaceLoneSurrogates"/>), so both reads hand the same JSON. The window's
    /// feedback is read once, before the first page, from the feedback side
    /// (<see cref="WindowFeedback"/>): feedback stored more than <see cref="FeedbackClockSkew"/> before
    /// the window's start is not joined.
    /// </remarks>
    public IAsyncEnumerable<PredictionWindowPage> ReadWindowAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return Pages(ReadWindow(query, cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<PredictionWindowPage> Pages(IEnumerable<PredictionWindowPage> pages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The read is synchronous (SQLite): the pages are produced on the caller's thread, which
        // matters to the monitoring pass (it runs on its own lower-priority thread).
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var page in pages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return page;
        }
    }

    private IEnumerable<PredictionWindowPage> ReadWindow(PredictionQuery query, CancellationToken cancellationToken)
    {
        using var connection = database.OpenReadConnection();
        var sql = new StringBuilder($"SELECT {WindowColumns} FROM prediction_log l WHERE ");
        var parameters = Filters(sql, query);
        var firstSql = sql + " ORDER BY l.timestamp, l.id LIMIT $n";
        var nextSql = sql + " AND (l.timestamp > $ct OR (l.timestamp = $ct AND l.id > $ci)) ORDER BY l.timestamp, l.id LIMIT $n";
        var columnLists = new Dictionary<long, string[]>();
        var names = new Utf8Names();
        var feedback = ByUtf8(WindowFeedback(connection, query));
        (long Ts, long Id)? cursor = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = new PredictionWindowPage(query.MaxResults);
            try
            {
                var (first, last) = ReadPage(connection, cursor is null ? firstSql : nextSql, parameters, cursor, query.MaxResults, page, columnLists, names);
                if (page.Count == 0)
                {
                    if (cursor is null && !Logged(connection, query))
                    {
                        throw KeelException.NotFound(query.Deployment is null
                            ? $"No predictions were logged for model '{query.ModelName}'."
                            : $"No predictions were logged for deployment '{query.Deployment}'.");
                    }

                    page.Dispose();
                    yield break;
                }

                JoinFeedback(page, feedback);
                cursor = last;
            }
            catch
            {
                page.Dispose();
                throw;
            }

            var full = page.Count == query.MaxResults;
            yield return page;
            if (!full)
            {
                yield break;
            }
        }
    }

    /// <summary>The query's filters (as <see cref="SearchAsync"/> builds them) and their values.</summary>
    private static List<(string Name, object Value)> Filters(StringBuilder sql, PredictionQuery query)
    {
        using var cmd = new SqliteCommand();
        AppendFilters(sql, cmd, query);
        var parameters = new List<(string, object)>(cmd.Parameters.Count);
        foreach (SqliteParameter p in cmd.Parameters)
        {
            parameters.Add((p.ParameterName, p.Value!));
        }

        return parameters;
    }

    private static ((long Ts, long Id) First, (long Ts, long Id) Last) ReadPage(
        SqliteConnection connection, string sql, List<(string Name, object Value)> parameters, (long Ts, long Id)? cursor, int limit,
        PredictionWindowPage page, Dictionary<long, string[]> columnLists, Utf8Names names)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, sql, out var stmt), db);
        using (stmt)
        {
            foreach (var (name, value) in parameters)
            {
                Bind(stmt, db, name, value);
            }

            Bind(stmt, db, "$n", (long)limit);
            if (cursor is { } c)
            {
                Bind(stmt, db, "$ct", c.Ts);
                Bind(stmt, db, "$ci", c.Id);
            }

            (long, long) first = default, last = default;
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                last = (raw.sqlite3_column_int64(stmt, 3), raw.sqlite3_column_int64(stmt, 0));
                if (page.Count == 0)
                {
                    first = last;
                }

                var columnsId = raw.sqlite3_column_int64(stmt, 6);
                if (!columnLists.TryGetValue(columnsId, out var columns))
                {
                    columnLists[columnsId] = columns = ColumnList(connection, columnsId);
                }

                var fields = new PredictionWindowRowFields(
                    names.Get(stmt, 2) ?? string.Empty,
                    names.Get(stmt, 9),
                    names.Get(stmt, 10),
                    names.Get(stmt, 11),
                    last.Item1,
                    raw.sqlite3_column_int64(stmt, 4),
                    raw.sqlite3_column_int(stmt, 5),
                    columns);
                var inputs = raw.sqlite3_column_blob(stmt, 7);
                var outputs = raw.sqlite3_column_blob(stmt, 8);
                var requestId = raw.sqlite3_column_blob(stmt, 1);
                if (NeedsRepair(inputs) || NeedsRepair(outputs))
                {
                    page.Add(fields, requestId, Repaired(inputs), Repaired(outputs));
                }
                else
                {
                    page.Add(fields, requestId, inputs, outputs);
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(rc, db);
            }

            return (first, last);
        }
    }

    private static string[] ColumnList(SqliteConnection connection, long id)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT columns FROM prediction_input_columns WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        var json = (string?)cmd.ExecuteScalar() ?? "[]";
        return JsonSerializer.Deserialize<string[]>(JsonText.ReplaceLoneSurrogates(json)) ?? [];
    }

    /// <summary>
    /// How far a feedback's time may lie before its prediction's and still be joined: feedback
    /// arrives after the request it labels, but another replica's clock may run behind.
    /// </summary>
    internal static readonly TimeSpan FeedbackClockSkew = TimeSpan.FromHours(1);

    /// <summary>
    /// The feedback of the window's requests, read once for the whole window from the feedback side:
    /// the feedback that arrived since the window began (less <see cref="FeedbackClockSkew"/>;
    /// <c>ix_prediction_feedback_time</c>) whose request was logged in the window
    /// (<c>ix_prediction_log_request</c>). Its cost follows the labelled requests, where probing each
    /// page's requests followed the logged ones (12 % of a monitoring pass's CPU with one request in
    /// twenty labelled, all of it with none). Both indexes are named: without statistics SQLite's
    /// planner scans the feedback by id and probes the log by (model, time), which reads the whole
    /// window once per feedback row.
    /// </summary>
    private static Dictionary<string, List<PredictionFeedback>> WindowFeedback(SqliteConnection connection, PredictionQuery query)
    {
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder("SELECT f.request_id, f.row_index, f.labels, f.label_count, f.timestamp FROM prediction_feedback f INDEXED BY ix_prediction_feedback_time WHERE f.timestamp >= $since AND EXISTS (SELECT 1 FROM prediction_log l INDEXED BY ix_prediction_log_request WHERE l.request_id = f.request_id AND ");
        AppendFilters(sql, cmd, query);
        sql.Append(") ORDER BY f.id");
        var skew = (long)FeedbackClockSkew.TotalMilliseconds;
        cmd.Parameters.AddWithValue("$since", query.FromMs is { } from && from > long.MinValue + skew ? from - skew : long.MinValue);
        cmd.CommandText = sql.ToString();
        return ReadFeedback(cmd);
    }

    /// <summary>The feedback keyed by the UTF-8 bytes of its request id: a page's rows are joined by their stored bytes, with no conversion to text.</summary>
    private static Dictionary<byte[], List<PredictionFeedback>> ByUtf8(Dictionary<string, List<PredictionFeedback>> feedback)
    {
        var result = new Dictionary<byte[], List<PredictionFeedback>>(feedback.Count, Utf8KeyComparer.Instance);
        foreach (var (id, list) in feedback)
        {
            result[Encoding.UTF8.GetBytes(id)] = list;
        }

        return result;
    }

    private static void JoinFeedback(PredictionWindowPage page, Dictionary<byte[], List<PredictionFeedback>> feedback)
    {
        if (feedback.Count == 0)
        {
            return;
        }

        var byId = feedback.GetAlternateLookup<ReadOnlySpan<byte>>();
        for (var i = 0; i < page.Count; i++)
        {
            var row = page[i];
            if (byId.TryGetValue(row.RequestIdUtf8, out var list))
            {
                page.SetLabels(i, PredictionLabels.Merge(row.RowCount, list), list.Max(f => f.TimestampMs));
            }
        }
    }

    /// <summary>Byte-wise equality of UTF-8 keys, and lookups by a span of them.</summary>
    private sealed class Utf8KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8KeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }

    /// <summary>Whether a payload may hold what <see cref="JsonText.ReplaceLoneSurrogates"/> repairs: a <c>\uD800</c>-<c>\uDFFF</c> escape, or invalid UTF-8 (a raw lone surrogate).</summary>
    private static bool NeedsRepair(ReadOnlySpan<byte> json)
    {
        var rest = json;
        int at;
        while ((at = rest.IndexOf("\\u"u8)) >= 0)
        {
            if (at + 3 < rest.Length && (rest[at + 2] | 0x20) == 'd' && (rest[at + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F')))
            {
                return true;
            }

            rest = rest[(at + 2)..];
        }

        return !System.Text.Unicode.Utf8.IsValid(json);
    }

    /// <summary>The payload as <see cref="SearchAsync"/> hands it: read as text, repaired, back to UTF-8.</summary>
    private static byte[] Repaired(ReadOnlySpan<byte> json) => Encoding.UTF8.GetBytes(JsonText.ReplaceLoneSurrogates(Encoding.UTF8.GetString(json)));

    private static void Bind(sqlite3_stmt stmt, sqlite3 db, string name, object value)
    {
        var index = raw.sqlite3_bind_parameter_index(stmt, name);
        if (index == 0)
        {
            return;
        }

        Check(value switch
        {
            long l => raw.sqlite3_bind_int64(stmt, index, l),
            int i => raw.sqlite3_bind_int64(stmt, index, i),
            string s => raw.sqlite3_bind_text(stmt, index, s),
            _ => throw new InvalidOperationException($"Cannot bind a {value.GetType().Name} to {name}."),
        }, db);
    }

    /// <summary>The few version, deployment, arm and error strings of a window, made once each from their bytes.</summary>
    private sealed class Utf8Names
    {
        private readonly List<(byte[] Bytes, string Text)> _known = [];

        /// <summary>The text of a column of the current row; null for SQL NULL.</summary>
        public string? Get(sqlite3_stmt stmt, int column)
        {
            if (raw.sqlite3_column_type(stmt, column) == raw.SQLITE_NULL)
            {
                return null;
            }

            var utf8 = raw.sqlite3_column_blob(stmt, column);

            foreach (var (bytes, text) in _known)
            {
                if (utf8.SequenceEqual(bytes))
                {
                    return text;
                }
            }

            var made = Encoding.UTF8.GetString(utf8);
            if (_known.Count < 64)
            {
                _known.Add((utf8.ToArray(), made));
            }

            return made;
        }
    }
}
