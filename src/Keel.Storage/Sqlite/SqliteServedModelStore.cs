using Keel.Core.Serving;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The served models in the tracking database (table <c>served_models</c>, schema version 6).
/// Writes share the database's group-commit writer, so an acknowledged add or remove is
/// durable; reads use pooled read connections.
/// </summary>
public sealed class SqliteServedModelStore(SqliteDatabase database) : IServedModelStore
{
    /// <inheritdoc />
    public Task<ServedModelEntry> UpsertAsync(ServedModelEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Validate();
        var now = database.NowMilliseconds();
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, """
                INSERT INTO served_models (name, model_uri, created_at, updated_at) VALUES ($n, $u, $t, $t)
                ON CONFLICT (name) DO UPDATE SET model_uri = excluded.model_uri, updated_at = excluded.updated_at
                RETURNING created_at, updated_at
                """);
            cmd.Parameters.AddWithValue("$n", entry.Name);
            cmd.Parameters.AddWithValue("$u", entry.ModelUri);
            cmd.Parameters.AddWithValue("$t", now);
            using var reader = cmd.ExecuteReader();
            reader.Read();
            return entry with { CreatedAtMs = reader.GetInt64(0), UpdatedAtMs = reader.GetInt64(1) };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM served_models WHERE name = $n");
            cmd.Parameters.AddWithValue("$n", name);
            return cmd.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ServedModelEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name, model_uri, created_at, updated_at FROM served_models ORDER BY name";
        var list = new List<ServedModelEntry>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new ServedModelEntry(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return Task.FromResult<IReadOnlyList<ServedModelEntry>>(list);
    }
}
