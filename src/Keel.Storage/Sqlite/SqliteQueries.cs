using Keel.Storage.Sql.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>Running generated search SQL and cutting pages, shared by the SQLite stores.</summary>
internal static class SqliteQueries
{
    /// <summary>Runs parameterised SQL and maps each row.</summary>
    public static List<T> Query<T>(SqliteConnection connection, SqlCommandText sql, Func<SqliteDataReader, T> map)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql.Sql;
        foreach (var (name, value) in sql.Parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var list = new List<T>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    }

    /// <summary>
    /// Searches ask for one row more than a page; this drops it and says whether it was there,
    /// i.e. whether a next page exists.
    /// </summary>
    public static bool TrimToPage<T>(List<T> rows, int pageSize)
    {
        if (rows.Count <= pageSize)
        {
            return false;
        }

        rows.RemoveRange(pageSize, rows.Count - pageSize);
        return true;
    }
}
