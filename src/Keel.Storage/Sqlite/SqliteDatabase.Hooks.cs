using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    /// <summary>
    /// Hooks a store into every batch of the group-commit writer: <paramref name="beforeBatch"/> runs
    /// first inside each batch's transaction (to re-read state another process may have changed),
    /// <paramref name="afterBatch"/> last before the commit (to store counters the batch advanced),
    /// and <paramref name="onRollback"/> when a write or batch rolled back (to drop cached state).
    /// All three run on the writer thread. Disposing the result removes the hooks.
    /// </summary>
    internal IDisposable HookBatches(Action<SqliteTransaction> beforeBatch, Action<SqliteTransaction> afterBatch, Action onRollback)
    {
        var hooks = new BatchHooks(this, beforeBatch, afterBatch, onRollback);
        lock (_hooksLock)
        {
            _hooks = [.. _hooks, hooks];
        }

        return hooks;
    }

    private void Unhook(BatchHooks hooks)
    {
        lock (_hooksLock)
        {
            _hooks = [.. _hooks.Where(h => !ReferenceEquals(h, hooks))];
        }
    }

    private void BeforeBatch(SqliteConnection connection, SqliteTransaction tx)
    {
        foreach (var hooks in Volatile.Read(ref _hooks))
        {
            hooks.Before(tx);
        }
    }

    private void AfterBatch(SqliteConnection connection, SqliteTransaction tx)
    {
        foreach (var hooks in Volatile.Read(ref _hooks))
        {
            hooks.After(tx);
        }
    }

    private void OnRollback()
    {
        foreach (var hooks in Volatile.Read(ref _hooks))
        {
            hooks.Rollback();
        }
    }

    private sealed class BatchHooks(SqliteDatabase database, Action<SqliteTransaction> before, Action<SqliteTransaction> after, Action rollback) : IDisposable
    {
        public Action<SqliteTransaction> Before { get; } = before;

        public Action<SqliteTransaction> After { get; } = after;

        public Action Rollback { get; } = rollback;

        public void Dispose() => database.Unhook(this);
    }
}
