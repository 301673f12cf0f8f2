using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keel.Core.Predictions;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

// The append path: the log's hot write. The batch's column lists not seen before are upserted (one
// statement each, once per process and list), then every entry goes in through one binary COPY (one
// statement, so one transaction). The rows are encoded here in COPY's binary format (PostgresCopyBuffer)
// and sent through Npgsql's raw binary COPY stream: inputs and outputs are the UTF-8 bytes the request
// produced, copied once. (NpgsqlBinaryImporter resolves a converter for every field: 1.4-1.9x this
// path's client CPU per record in bench/predictions/pg-append.sh.)
public sealed partial class PostgresPredictionStore
{
    private const string CopySql = """
        COPY prediction_log (request_id, model_name, model_version, timestamp, latency_us, row_count, input_columns_id, inputs, outputs, deployment, arm, error_code)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>Column list (JSON) to its id; only ids of committed rows (the upsert commits on its own).</summary>
    private readonly ConcurrentDictionary<string, long> _columnIds = new(StringComparer.Ordinal);

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
                columnTexts[entry.InputColumns] = PostgresText.Storable(JsonSerializer.Serialize(entry.InputColumns));
            }
        }

        // A column list is stored (and committed) on its own before the rows that use it: a list no
        // row uses is harmless, and the steady state is then one statement, the COPY, which commits
        // by itself (all or none) without a BEGIN and COMMIT round trip around it.
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in columnTexts.Values)
        {
            if (!ids.ContainsKey(text))
            {
                ids[text] = _columnIds.TryGetValue(text, out var id) ? id : await ColumnsIdAsync(text, cancellationToken).ConfigureAwait(false);
            }
        }

        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await CopyAsync(connection, entries, entry => ids[columnTexts[entry.InputColumns]], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Bytes encoded before they are sent: large batches stream instead of doubling their memory.</summary>
    private const int ChunkBytes = 256 * 1024;

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<PredictionLogEntry> entries, Func<PredictionLogEntry, long> columnsId, CancellationToken cancellationToken)
    {
        using var rows = new PostgresCopyBuffer(Math.Min(ChunkBytes, entries.Count * 256));
        var stream = await connection.BeginRawBinaryCopyAsync(CopySql, cancellationToken).ConfigureAwait(false);
        var completed = false;
        try
        {
            // Names repeat across a batch: each distinct string is checked once.
            var storable = new Dictionary<string, string>(ReferenceEqualityComparer.Instance);
            string Text(string value)
            {
                if (!storable.TryGetValue(value, out var text))
                {
                    storable[value] = text = PostgresText.Storable(value);
                }

                return text;
            }

            foreach (var entry in entries)
            {
                rows.StartRow(12);
                rows.Text(PostgresText.Storable(entry.RequestId));
                rows.Text(Text(entry.ModelName));
                rows.Text(Text(entry.ModelVersion));
                rows.Int64(entry.TimestampMs);
                rows.Int64(entry.LatencyMicroseconds);
                rows.Int32(entry.RowCount);
                rows.Int64(columnsId(entry));
                Json(rows, entry.InputsUtf8.Span);
                Json(rows, entry.OutputsUtf8.Span);
                Optional(rows, entry.Deployment is null ? null : Text(entry.Deployment));
                Optional(rows, entry.Arm is null ? null : Text(entry.Arm));
                Optional(rows, entry.ErrorCode is null ? null : Text(entry.ErrorCode));
                if (rows.Written.Length >= ChunkBytes)
                {
                    await stream.WriteAsync(rows.Written, cancellationToken).ConfigureAwait(false);
                    rows.Clear();
                }
            }

            rows.Trailer();
            await stream.WriteAsync(rows.Written, cancellationToken).ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // Disposing the stream would end the COPY and commit the rows sent so far: cancel it instead.
                await stream.CancelAsync().ConfigureAwait(false);
            }

            // Ends the COPY: the server commits the rows and answers (an error surfaces here).
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>UTF-8 JSON as text: the bytes as they are, or repaired text when PostgreSQL would refuse them.</summary>
    private static void Json(PostgresCopyBuffer rows, ReadOnlySpan<byte> utf8)
    {
        if (PostgresText.IsStorable(utf8))
        {
            rows.Text(utf8);
        }
        else
        {
            rows.Text(PostgresText.Repaired(utf8));
        }
    }

    private static void Optional(PostgresCopyBuffer rows, string? value)
    {
        if (value is null)
        {
            rows.Null();
        }
        else
        {
            rows.Text(value);
        }
    }

    /// <summary>
    /// The id of a column list, stored on first use. An upsert that always returns the row, so a list
    /// another process is storing at the same moment is waited for and found, not duplicated.
    /// </summary>
    private async Task<long> ColumnsIdAsync(string columns, CancellationToken cancellationToken)
    {
        using var cmd = database.Command(
            "INSERT INTO prediction_input_columns (digest, columns) VALUES (@d, @c) ON CONFLICT (digest) DO UPDATE SET digest = excluded.digest RETURNING id");
        cmd.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Bytea) { Value = SHA256.HashData(Encoding.UTF8.GetBytes(columns)) });
        cmd.Text("c", columns);
        var id = (await cmd.ListAsync(r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];
        _columnIds.TryAdd(columns, id);
        return id;
    }
}
