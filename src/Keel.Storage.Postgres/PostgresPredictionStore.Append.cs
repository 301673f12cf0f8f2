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
// statement, so one transaction), its inputs and outputs written as the UTF-8 bytes the request produced.
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

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<PredictionLogEntry> entries, Func<PredictionLogEntry, long> columnsId, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
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
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgresText.Storable(entry.RequestId), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(Text(entry.ModelName), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(Text(entry.ModelVersion), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.TimestampMs, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.LatencyMicroseconds, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.RowCount, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(columnsId(entry), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await WriteJsonAsync(importer, entry.InputsUtf8, cancellationToken).ConfigureAwait(false);
                await WriteJsonAsync(importer, entry.OutputsUtf8, cancellationToken).ConfigureAwait(false);
                await WriteOptionalAsync(importer, entry.Deployment is null ? null : Text(entry.Deployment), cancellationToken).ConfigureAwait(false);
                await WriteOptionalAsync(importer, entry.Arm is null ? null : Text(entry.Arm), cancellationToken).ConfigureAwait(false);
                await WriteOptionalAsync(importer, entry.ErrorCode is null ? null : Text(entry.ErrorCode), cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes UTF-8 JSON as text: the bytes as they are, or repaired text when PostgreSQL would refuse them.</summary>
    private static Task WriteJsonAsync(NpgsqlBinaryImporter importer, ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) =>
        PostgresText.IsStorable(utf8.Span)
            ? importer.WriteAsync(utf8, NpgsqlDbType.Text, cancellationToken)
            : importer.WriteAsync(PostgresText.Repaired(utf8.Span), NpgsqlDbType.Text, cancellationToken);

    private static Task WriteOptionalAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

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
