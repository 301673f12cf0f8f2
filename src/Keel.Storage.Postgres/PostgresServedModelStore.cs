using Keel.Core.Serving;

namespace Keel.Storage.Postgres;

/// <summary>The served models in PostgreSQL (table <c>served_models</c>, schema version 2); each write is one statement.</summary>
public sealed class PostgresServedModelStore(PostgresDatabase database) : IServedModelStore
{
    /// <inheritdoc />
    public async Task<ServedModelEntry> UpsertAsync(ServedModelEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Validate();
        using var cmd = database.Command("""
            INSERT INTO served_models (name, model_uri, created_at, updated_at) VALUES (@n, @u, @t, @t)
            ON CONFLICT (name) DO UPDATE SET model_uri = excluded.model_uri, updated_at = excluded.updated_at
            RETURNING created_at, updated_at
            """);
        cmd.Text("n", entry.Name).Text("u", entry.ModelUri).Long("t", database.NowMilliseconds());
        var times = (await cmd.ListAsync(r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false))[0];
        return entry with { CreatedAtMs = times.Item1, UpdatedAtMs = times.Item2 };
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var cmd = database.Command("DELETE FROM served_models WHERE name = @n");
        cmd.Text("n", name);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServedModelEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command("SELECT name, model_uri, created_at, updated_at FROM served_models ORDER BY name COLLATE \"C\"");
        return await cmd.ListAsync(r => new ServedModelEntry(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken).ConfigureAwait(false);
    }
}
