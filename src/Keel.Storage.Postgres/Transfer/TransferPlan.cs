using Keel.Core.Errors;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keel.Storage.Postgres.Transfer;

/// <summary>One table to copy: its name and the columns both sides have, in the target's types.</summary>
internal sealed record TransferTable(string Name, IReadOnlyList<TransferColumn> Columns);

/// <summary>
/// Which tables move and in what order: every Keel table of the SQLite store must have a PostgreSQL
/// table of the same name with every one of its columns (else nothing is moved and the error names
/// what is missing); parents are copied before the tables whose foreign keys point at them.
/// </summary>
internal static class TransferPlan
{
    /// <summary>Source tables whose content is not rows to copy, with the reason.</summary>
    private static readonly Dictionary<string, string> NotCopied = new(StringComparer.Ordinal)
    {
        ["keel_schema"] = "schema versions: each backend has its own migrations",
        [SqliteToPostgres.CountersTable] = "counters: each becomes the PostgreSQL sequence of the same name, set to continue where SQLite stopped",
    };

    /// <summary>
    /// Columns only PostgreSQL has, NOT NULL without a default, and how each is computed from a source
    /// column: the prediction log's column lists are unique on their SHA-256 (PostgreSQL cannot index
    /// a long text), as PostgresPredictionStore writes them.
    /// </summary>
    private static readonly Dictionary<(string Table, string Column), (string From, Func<object?, object?> Derive)> Derived = new()
    {
        [("prediction_input_columns", "digest")] = ("columns", v => v is string text ? System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)) : null),
    };

    public static async Task<(IReadOnlyList<TransferTable> Tables, IReadOnlyList<SkippedTable> Skipped)> BuildAsync(
        SqliteConnection source, NpgsqlConnection target, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var sourceTables = SourceTables(source);
        var targetColumns = await TargetColumnsAsync(target, tx, cancellationToken).ConfigureAwait(false);
        var skipped = new List<SkippedTable>();
        var tables = new Dictionary<string, TransferTable>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (table, columns) in sourceTables)
        {
            if (NotCopied.TryGetValue(table, out var reason))
            {
                skipped.Add(new SkippedTable(table, reason));
                continue;
            }

            if (!targetColumns.TryGetValue(table, out var targetTable))
            {
                problems.Add($"table {table} has no PostgreSQL table");
                continue;
            }

            var moved = new List<TransferColumn>();
            foreach (var column in columns)
            {
                if (!targetTable.TryGetValue(column, out var info))
                {
                    problems.Add($"column {table}.{column} has no PostgreSQL column");
                }
                else if (info.Kind is not { } kind)
                {
                    problems.Add($"column {table}.{column} is PostgreSQL type {info.DataType}, which Keel does not move");
                }
                else if (info.Generated)
                {
                    continue;
                }
                else
                {
                    moved.Add(new TransferColumn(column, kind, info.Identity));
                }
            }

            foreach (var (column, info) in targetTable.Where(c => !columns.Contains(c.Key)))
            {
                if (Derived.TryGetValue((table, column), out var derived) && info.Kind is { } kind)
                {
                    moved.Add(new TransferColumn(column, kind, false) { DerivedFrom = derived.From, Derive = derived.Derive });
                }
                else if (info.Required)
                {
                    problems.Add($"column {table}.{column} is NOT NULL without a default in PostgreSQL and has no SQLite column to fill it");
                }
            }

            tables[table] = new TransferTable(table, moved);
        }

        if (problems.Count > 0)
        {
            throw new KeelException(ErrorCode.InvalidState, $"The PostgreSQL schema cannot hold this SQLite store ({string.Join("; ", problems)}). Nothing was moved.");
        }

        var order = await ParentsFirstAsync(target, tx, tables.Keys, cancellationToken).ConfigureAwait(false);
        return (order.Select(t => tables[t]).ToList(), skipped);
    }

    private static List<(string Table, List<string> Columns)> SourceTables(SqliteConnection source)
    {
        var names = new List<string>();
        using (var cmd = source.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new List<(string, List<string>)>();
        foreach (var name in names)
        {
            using var cmd = source.CreateCommand();
            cmd.CommandText = "SELECT name FROM pragma_table_info($t) ORDER BY cid";
            cmd.Parameters.AddWithValue("$t", name);
            using var reader = cmd.ExecuteReader();
            var columns = new List<string>();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }

            tables.Add((name, columns));
        }

        return tables;
    }

    private sealed record TargetColumnInfo(string DataType, TransferKind? Kind, bool Identity, bool Generated, bool Required);

    private static async Task<Dictionary<string, Dictionary<string, TargetColumnInfo>>> TargetColumnsAsync(NpgsqlConnection target, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.table_name, c.column_name, c.data_type,
                   c.is_identity = 'YES' OR COALESCE(c.column_default, '') LIKE 'nextval(%',
                   c.is_generated = 'ALWAYS',
                   c.is_nullable = 'NO' AND c.column_default IS NULL AND c.is_identity = 'NO' AND c.is_generated = 'NEVER'
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            """;
        var result = new Dictionary<string, Dictionary<string, TargetColumnInfo>>(StringComparer.Ordinal);
        using var cmd = new NpgsqlCommand(sql, target, tx);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (!result.TryGetValue(table, out var columns))
                {
                    result[table] = columns = new Dictionary<string, TargetColumnInfo>(StringComparer.Ordinal);
                }

                var type = reader.GetString(2);
                columns[reader.GetString(1)] = new TargetColumnInfo(type, TransferColumn.KindOf(type), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5));
            }
        }

        return result;
    }

    /// <summary>The tables ordered so every foreign key's parent comes before its child (self references aside).</summary>
    private static async Task<List<string>> ParentsFirstAsync(NpgsqlConnection target, NpgsqlTransaction tx, IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT child.relname, parent.relname
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid
            JOIN pg_class parent ON parent.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE k.contype = 'f' AND n.nspname = current_schema()
            """;
        var parents = tables.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        using (var cmd = new NpgsqlCommand(sql, target, tx))
        {
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var (child, parent) = (reader.GetString(0), reader.GetString(1));
                    if (child != parent && parents.TryGetValue(child, out var set) && parents.ContainsKey(parent))
                    {
                        set.Add(parent);
                    }
                }
            }
        }

        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (order.Count < parents.Count)
        {
            var ready = parents.Keys.Where(t => !done.Contains(t) && parents[t].All(done.Contains)).Order(StringComparer.Ordinal).ToList();
            if (ready.Count == 0)
            {
                throw new KeelException(ErrorCode.InvalidState, "The PostgreSQL tables' foreign keys form a cycle; Keel cannot order the move.");
            }

            foreach (var table in ready)
            {
                done.Add(table);
                order.Add(table);
            }
        }

        return order;
    }
}
