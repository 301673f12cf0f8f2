using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// Prepared statements of the writer connection, reused across writes (Microsoft.Data.Sqlite keeps
/// a command's compiled statement while its text is unchanged). Only the writer thread uses it.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _owned = [];

    /// <summary>Disposes <paramref name="statement"/> (e.g. a raw prepared statement) with the cache, before the connection closes.</summary>
    public void Own(IDisposable statement) => _owned.Add(statement);

    public SqliteCommand Get(SqliteTransaction transaction, string sql)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            _commands[sql] = cmd;
        }

        cmd.Transaction = transaction;
        cmd.Parameters.Clear();
        return cmd;
    }

    public void Dispose()
    {
        foreach (var cmd in _commands.Values)
        {
            cmd.Dispose();
        }

        _commands.Clear();
        foreach (var statement in _owned)
        {
            statement.Dispose();
        }

        _owned.Clear();
    }
}
