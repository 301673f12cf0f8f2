using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// A comparable description of one schema: every column (type, nullability, default, identity),
/// every index definition and every constraint, with the schema's own name taken out so a scratch
/// copy compares equal to the live one.
/// </summary>
internal static class PostgresSchema
{
    private const string Sql = """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '') || ' ' || is_identity
        FROM information_schema.columns WHERE table_schema = @s
        UNION ALL
        SELECT 'index ' || tablename || '.' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = @s
        UNION ALL
        SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = @s
        UNION ALL
        SELECT 'relation ' || c.relname || ' ' || c.relkind::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
        """;

    /// <summary>The description of <paramref name="schema"/> (the connection's current schema when null).</summary>
    public static async Task<HashSet<string>> SnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string? schema, CancellationToken cancellationToken)
    {
        if (schema is null)
        {
            using var current = new NpgsqlCommand("SELECT current_schema()", connection, tx);
            schema = (string?)await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new Core.Errors.KeelException(Core.Errors.ErrorCode.InvalidState, "The PostgreSQL search_path names no schema that exists; set search_path to the schema Keel owns.");
        }

        using var cmd = new NpgsqlCommand(Sql, connection, tx);
        cmd.Parameters.AddWithValue("s", schema);
        var set = new HashSet<string>(StringComparer.Ordinal);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                set.Add(reader.GetString(0).Replace(schema + ".", "", StringComparison.Ordinal));
            }
        }

        return set;
    }
}
