using Keel.Storage.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Postgres;

/// <summary>
/// A fresh PostgreSQL database for one test, copied from a template that Keel's migrations were
/// applied to once (so each test starts from an empty, current schema in milliseconds), and the
/// <see cref="PostgresDatabase"/> opened on it. Dropped at the end.
/// </summary>
public sealed class PostgresTestDatabase(PostgresServer server) : IAsyncDisposable
{
    private const string Template = "keel_migrated";

    /// <summary>The connection string of the test's database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The open database (null until <see cref="CreateAsync"/>, and after <see cref="CloseAsync"/>).</summary>
    public PostgresDatabase? Database { get; private set; }

    /// <summary>Creates the database and opens it with <paramref name="clock"/>.</summary>
    public async Task<PostgresDatabase> CreateAsync(TimeProvider clock)
    {
        await server.EnsureTemplateAsync(Template, async cs => await (await PostgresDatabase.OpenAsync(cs)).DisposeAsync());
        ConnectionString = await server.CreateDatabaseAsync(Template);
        return Database = await PostgresDatabase.OpenAsync(ConnectionString, clock);
    }

    /// <summary>Closes the database and opens it again (a restart of the process).</summary>
    public async Task<PostgresDatabase> ReopenAsync(TimeProvider clock)
    {
        await CloseAsync();
        return Database = await PostgresDatabase.OpenAsync(ConnectionString, clock);
    }

    /// <summary>Closes the database's connections.</summary>
    public async Task CloseAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
            Database = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        if (ConnectionString.Length > 0)
        {
            await server.DropDatabaseAsync(ConnectionString);
        }
    }
}
