using System.Text.Json;
using Keel.Core.Predictions;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Keel.Storage.Sqlite;

// The append path: the log's hot write. One prepared statement on the writer connection, bound with
// the entries' UTF-8 bytes as they are (Microsoft.Data.Sqlite would take strings and encode them
// again) and stepped once per entry, all inside one transaction of the group-commit writer.
public sealed partial class SqlitePredictionStore
{
    private const string InsertSql = """
        INSERT INTO prediction_log (request_id, model_name, model_version, timestamp, latency_us, row_count, input_columns_id, inputs, outputs, deployment, arm, error_code)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        """;

    /// <summary>The insert, prepared on the writer connection; only touched inside writes (one writer thread).</summary>
    private sqlite3_stmt? _insert;
    private sqlite3? _insertDatabase;

    /// <inheritdoc />
    public async Task AppendAsync(IReadOnlyList<PredictionLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        // Entries of one model share one column list: serialise each distinct list once per batch.
        var columnTexts = new Dictionary<IReadOnlyList<string>, string>(ReferenceEqualityComparer.Instance);
        foreach (var entry in entries)
        {
            if (!columnTexts.ContainsKey(entry.InputColumns))
            {
                columnTexts[entry.InputColumns] = JsonSerializer.Serialize(entry.InputColumns);
            }
        }

        var added = await database.WriteAsync(tx =>
        {
            var ids = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var text in columnTexts.Values)
            {
                ids[text] = _columnIds.TryGetValue(text, out var known) ? known : ColumnsId(tx, text);
            }

            var db = tx.Connection!.Handle!;
            var insert = InsertStatement(db);
            try
            {
                string? lastModel = null, lastVersion = null, lastDeployment = null, lastArm = null, lastError = null;
                foreach (var entry in entries)
                {
                    Check(raw.sqlite3_bind_text(insert, 1, entry.RequestId), db);
                    if (!ReferenceEquals(entry.ModelName, lastModel) || !ReferenceEquals(entry.ModelVersion, lastVersion))
                    {
                        // Bindings stay until changed: a batch of one model binds its name once.
                        Check(raw.sqlite3_bind_text(insert, 2, entry.ModelName), db);
                        Check(raw.sqlite3_bind_text(insert, 3, entry.ModelVersion), db);
                        Check(raw.sqlite3_bind_int64(insert, 7, ids[columnTexts[entry.InputColumns]]), db);
                        (lastModel, lastVersion) = (entry.ModelName, entry.ModelVersion);
                    }

                    if (!ReferenceEquals(entry.Deployment, lastDeployment) || !ReferenceEquals(entry.Arm, lastArm))
                    {
                        Check(entry.Deployment is null ? raw.sqlite3_bind_null(insert, 10) : raw.sqlite3_bind_text(insert, 10, entry.Deployment), db);
                        Check(entry.Arm is null ? raw.sqlite3_bind_null(insert, 11) : raw.sqlite3_bind_text(insert, 11, entry.Arm), db);
                        (lastDeployment, lastArm) = (entry.Deployment, entry.Arm);
                    }

                    if (!ReferenceEquals(entry.ErrorCode, lastError))
                    {
                        // Answered requests leave ?12 at its cleared NULL: the hot path binds nothing more.
                        Check(entry.ErrorCode is null ? raw.sqlite3_bind_null(insert, 12) : raw.sqlite3_bind_text(insert, 12, entry.ErrorCode), db);
                        lastError = entry.ErrorCode;
                    }

                    Check(raw.sqlite3_bind_int64(insert, 4, entry.TimestampMs), db);
                    Check(raw.sqlite3_bind_int64(insert, 5, entry.LatencyMicroseconds), db);
                    Check(raw.sqlite3_bind_int64(insert, 6, entry.RowCount), db);
                    Check(raw.sqlite3_bind_text(insert, 8, entry.InputsUtf8.Span), db);
                    Check(raw.sqlite3_bind_text(insert, 9, entry.OutputsUtf8.Span), db);
                    var rc = raw.sqlite3_step(insert);
                    if (rc != raw.SQLITE_DONE)
                    {
                        Check(rc, db);
                    }

                    raw.sqlite3_reset(insert);
                }
            }
            finally
            {
                raw.sqlite3_reset(insert);
                raw.sqlite3_clear_bindings(insert);
            }

            return ids;
        }, cancellationToken).ConfigureAwait(false);

        // Cached only once committed: a rolled-back id must never be reused.
        foreach (var (text, id) in added)
        {
            _columnIds.TryAdd(text, id);
        }
    }

    /// <summary>The prepared insert of <paramref name="db"/>, prepared on first use (and again if the writer connection changed).</summary>
    private sqlite3_stmt InsertStatement(sqlite3 db)
    {
        if (_insert is null || !ReferenceEquals(_insertDatabase, db) || _insert.IsInvalid)
        {
            _insert?.Dispose();
            Check(raw.sqlite3_prepare_v2(db, InsertSql, out var statement), db);
            _insert = statement;
            _insertDatabase = db;
            database.OwnStatement(statement);
        }

        return _insert;
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
