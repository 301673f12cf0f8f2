using Keel.Storage.Sql.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Search;

/// <summary>A temporary SQLite database built from Keel's embedded migrations.</summary>
internal sealed class SearchDatabase : IDisposable
{
    private readonly string _path;

    public SearchDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"keel-search-{Guid.NewGuid():N}.db");
        Connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        Connection.Open();
        // A throwaway database: no need to wait for the disk.
        Execute("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;");
        foreach (var script in MigrationScripts())
        {
            Execute(script);
        }
    }

    public SqliteConnection Connection { get; }

    /// <summary>The SQLite migrations embedded in Keel.Storage, in version order.</summary>
    public static IReadOnlyList<string> MigrationScripts()
    {
        var assembly = typeof(SqlDialect).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.Sqlite.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            })
            .ToList();
    }

    public void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>Runs a built search and returns the first column of every row.</summary>
    public List<long> Query(SqlCommandText text)
    {
        using var command = Prepare(text, "");
        using var reader = command.ExecuteReader();
        var result = new List<long>();
        while (reader.Read())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    /// <summary>The detail lines of EXPLAIN QUERY PLAN for a built search.</summary>
    public List<string> QueryPlan(SqlCommandText text)
    {
        using var command = Prepare(text, "EXPLAIN QUERY PLAN ");
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(3));
        }

        return result;
    }

    public void Dispose()
    {
        Connection.Dispose();
        File.Delete(_path);
    }

    private SqliteCommand Prepare(SqlCommandText text, string prefix)
    {
        var command = Connection.CreateCommand();
        command.CommandText = prefix + text.Sql;
        foreach (var (name, value) in text.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
