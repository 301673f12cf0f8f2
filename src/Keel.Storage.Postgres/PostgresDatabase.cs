using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// One PostgreSQL database holding Keel's stores: a pooled <see cref="NpgsqlDataSource"/>, its
/// migrations applied at open (under an advisory lock, so processes opening at once are safe), and
/// the start-up schema check. Every PostgreSQL store shares one instance; several Keel processes
/// may share the database. Times the stores stamp come from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly TimeProvider _time;

    private PostgresDatabase(NpgsqlDataSource dataSource, TimeProvider time, int schemaVersion)
    {
        DataSource = dataSource;
        _time = time;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The schema version of the database (always <see cref="PostgresMigrator.LatestVersion"/> once open).</summary>
    public int SchemaVersion { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Opens the database at <paramref name="address"/> (<c>postgresql://user:pass@host:port/db</c> or
    /// an Npgsql connection string), brings its schema to <see cref="PostgresMigrator.LatestVersion"/> and verifies it.
    /// </summary>
    /// <param name="address">Where the database is.</param>
    /// <param name="time">The clock the stores stamp times with. <value>Default: <see cref="TimeProvider.System"/>.</value></param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <exception cref="Core.Errors.KeelException">INVALID_STATE: the schema is newer than this Keel, or was changed outside it; INVALID_PARAMETER_VALUE: a bad address.</exception>
    public static async Task<PostgresDatabase> OpenAsync(string address, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var clock = time ?? TimeProvider.System;
        var dataSource = NpgsqlDataSource.Create(PostgresConnectionString.Parse(address));
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var version = await PostgresMigrator.MigrateAsync(connection, clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
                return new PostgresDatabase(dataSource, clock, version);
            }
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Now on the store's clock, in Unix milliseconds.</summary>
    internal long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs <paramref name="work"/> in one transaction (read committed) and commits it.</summary>
    internal async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var result = await work(connection, tx).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    /// <summary>A command on a pooled connection outside any explicit transaction; disposing the command returns the connection.</summary>
    internal NpgsqlCommand Command(string sql) => DataSource.CreateCommand(sql);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
