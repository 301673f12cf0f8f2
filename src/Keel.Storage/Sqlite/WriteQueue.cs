using System.Threading.Channels;
using Keel.Core.Errors;
using Keel.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// Group commit for SQLite: one writer connection drains queued writes and commits many of them in
/// one transaction (one fsync), each inside its own SAVEPOINT so a failing write rolls back alone.
/// Writes run optimistically without savepoints; if one fails, the batch is replayed with one
/// savepoint per write, so the failure is still isolated.
/// A write's task completes only after the COMMIT that contains it returned, so every
/// acknowledged write is durable (WAL + synchronous=FULL).
/// A write that fails because the disk is full (SQLITE_FULL, ENOSPC) fails with
/// <see cref="ErrorCode.InsufficientStorage"/>; the full disk is reported to the
/// <see cref="StorageHealth"/>, and cleared by the next batch that commits.
/// </summary>
internal sealed class WriteQueue : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly Channel<WriteOp> _channel = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Action<SqliteConnection, SqliteTransaction>? _beforeBatch;
    private readonly Action<SqliteConnection, SqliteTransaction>? _afterBatch;
    private readonly Action? _onRollback;
    private readonly StorageHealth? _health;
    private readonly string _databasePath;
    private readonly Task _loop;

    public WriteQueue(
        SqliteConnection connection,
        Action<SqliteConnection, SqliteTransaction>? beforeBatch,
        Action<SqliteConnection, SqliteTransaction>? afterBatch,
        Action? onRollback,
        StorageHealth? health = null)
    {
        _health = health;
        _databasePath = connection.DataSource;
        _onRollback = onRollback;
        _connection = connection;
        _beforeBatch = beforeBatch;
        _afterBatch = afterBatch;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Queues a write and waits until it is committed (or failed).</summary>
    public Task<T> ExecuteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var op = new WriteOp<T>(write);
        if (!_channel.Writer.TryWrite(op))
        {
            throw new ObjectDisposedException(nameof(WriteQueue));
        }

        // Cancellation does not withdraw a queued write: once queued it is either committed or failed.
        return op.Task;
    }

    public Task ExecuteAsync(Action<SqliteConnection, SqliteTransaction> write, CancellationToken cancellationToken) =>
        ExecuteAsync<bool>((c, t) => { write(c, t); return true; }, cancellationToken);

    private async Task RunAsync()
    {
        var batch = new List<WriteOp>(MaxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var op))
            {
                batch.Add(op);
            }

            if (batch.Count > 0)
            {
                CommitBatch(batch);
                batch.Clear();
            }
        }
    }

    private void CommitBatch(List<WriteOp> batch)
    {
        // Optimistic pass: no savepoints. Failures are rare; when one happens the whole
        // transaction is rolled back and the batch is replayed with a savepoint per write.
        if (!TryCommit(batch, isolateWrites: false))
        {
            foreach (var op in batch)
            {
                op.Error = null;
                op.Committed = true;
            }

            TryCommit(batch, isolateWrites: true);
        }

        var full = false;
        var committed = false;
        foreach (var op in batch)
        {
            if (IsDiskFull(op.Error))
            {
                full = true;
                op.Error = DiskFull.Error("the database", "this change", op.Error!);
            }

            committed |= op.Committed && op.Error is null;
        }

        if (full)
        {
            _health?.ReportFull(StorageHealth.Database, _databasePath);
        }
        else if (committed)
        {
            _health?.ReportWritten(StorageHealth.Database);
        }

        foreach (var op in batch)
        {
            op.Complete();
        }
    }

    /// <summary>SQLITE_FULL (13): the database or its journal could not grow; or an ENOSPC that reached us as an IOException.</summary>
    internal static bool IsDiskFull(Exception? e) =>
        e is SqliteException { SqliteErrorCode: 13 } || (e is not KeelException && DiskFull.Is(e));

    /// <summary>Runs and commits a batch; false when a write failed in the optimistic pass.</summary>
    private bool TryCommit(List<WriteOp> batch, bool isolateWrites)
    {
        SqliteTransaction? tx = null;
        try
        {
            tx = _connection.BeginTransaction(deferred: false);
            _beforeBatch?.Invoke(_connection, tx);
            using var savepoint = _connection.CreateCommand();
            savepoint.Transaction = tx;
            foreach (var op in batch)
            {
                if (!isolateWrites)
                {
                    try
                    {
                        op.Run(_connection, tx);
                    }
                    catch (Exception)
                    {
                        Rollback(tx);
                        return false;
                    }

                    continue;
                }

                savepoint.CommandText = "SAVEPOINT w";
                savepoint.ExecuteNonQuery();
                try
                {
                    op.Run(_connection, tx);
                    savepoint.CommandText = "RELEASE w";
                    savepoint.ExecuteNonQuery();
                }
                catch (Exception e)
                {
                    op.Error = e;
                    savepoint.CommandText = "ROLLBACK TO w";
                    savepoint.ExecuteNonQuery();
                    savepoint.CommandText = "RELEASE w";
                    savepoint.ExecuteNonQuery();
                    _onRollback?.Invoke();
                }
            }

            _afterBatch?.Invoke(_connection, tx);
            tx.Commit();
            return true;
        }
        catch (Exception e)
        {
            Rollback(tx);
            foreach (var op in batch)
            {
                op.Error ??= e;
                op.Committed = false;
            }

            return true;
        }
        finally
        {
            tx?.Dispose();
        }
    }

    private void Rollback(SqliteTransaction? tx)
    {
        try
        {
            tx?.Rollback();
        }
        catch (SqliteException)
        {
            // The transaction is already gone; the original error is what matters.
        }
        catch (InvalidOperationException)
        {
            // Already completed.
        }

        _onRollback?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private abstract class WriteOp
    {
        public Exception? Error { get; set; }

        public bool Committed { get; set; } = true;

        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();
    }

    private sealed class WriteOp<T>(Func<SqliteConnection, SqliteTransaction, T> write) : WriteOp
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _tcs.Task;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = write(connection, transaction);

        public override void Complete()
        {
            if (Error is not null)
            {
                _tcs.TrySetException(Error);
            }
            else
            {
                _tcs.TrySetResult(_result);
            }
        }
    }
}
