using System.Reflection;
using Keel.Storage.Sql.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Registry.Bench;

/// <summary>
/// Runs only the search statement (RegistrySearchSql, internal to Keel.Storage, reached by reflection)
/// on its own connection, so the report separates the search SQL from loading the found entities.
/// </summary>
internal sealed class SearchSqlOnly : IDisposable
{
    private static readonly MethodInfo BuildModelSearch =
        typeof(SqlDialect).Assembly.GetType("Keel.Storage.Sql.Search.RegistrySearchSql", throwOnError: true)!
            .GetMethod("BuildModelSearch", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo BuildVersionSearch =
        BuildModelSearch.DeclaringType!.GetMethod("BuildVersionSearch", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly SqliteConnection _connection;

    public SearchSqlOnly(string databasePath)
    {
        _connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        _connection.Open();
    }

    /// <summary>The names of one page of a registered model search.</summary>
    public Task<int> ModelNamesAsync(string filter, int limit)
    {
        var text = (SqlCommandText)BuildModelSearch.Invoke(null, [filter, null, limit + 1, 0L, SqlDialect.Sqlite])!;
        using var command = _connection.CreateCommand();
        command.CommandText = text.Sql;
        foreach (var (name, value) in text.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var count = 0;
        while (reader.Read())
        {
            _ = reader.GetString(0);
            count++;
        }

        return Task.FromResult(Math.Min(count, limit));
    }

    /// <summary>SQLite's plan for a registered model (or, with <paramref name="versions"/>, model version) search.</summary>
    public IEnumerable<string> Plan(string? filter, bool versions)
    {
        var build = versions ? BuildVersionSearch : BuildModelSearch;
        var text = (SqlCommandText)build.Invoke(null, [filter, null, 101, 0L, SqlDialect.Sqlite])!;
        using var command = _connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + text.Sql;
        foreach (var (name, value) in text.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        return lines;
    }

    public void Dispose() => _connection.Dispose();
}
