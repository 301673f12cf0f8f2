using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Keel.Testing.Postgres;

/// <summary>
/// A private PostgreSQL cluster for the tests (Debian's <c>postgresql</c> package, which the test
/// command installs): initdb into a temp folder, pg_ctl start on a free loopback port with its unix
/// socket in that folder and fsync off, started on first use and stopped and deleted at the end.
/// Run as root, the server runs as the <c>postgres</c> system user (initdb refuses root). A test
/// gets a fresh database, created from a template. When PostgreSQL cannot be found or started the
/// tests that need it fail saying why, unless <c>KEEL_TEST_POSTGRES=off</c> is set, which skips them.
/// Shared source: test projects that need PostgreSQL link this file and register it as an assembly fixture.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private const string Prefix = "keel-pg-";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _templates = new(StringComparer.Ordinal);
    private int _databases;
    private string? _folder;
    private string? _bin;
    private Exception? _failure;

    /// <summary>True when <c>KEEL_TEST_POSTGRES=off</c>: the PostgreSQL tests are skipped, not failed.</summary>
    public static bool Disabled => string.Equals(Environment.GetEnvironmentVariable("KEEL_TEST_POSTGRES"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The loopback TCP port the cluster listens on.</summary>
    public int Port { get; private set; }

    /// <summary>How long initdb took.</summary>
    public TimeSpan InitDbTime { get; private set; }

    /// <summary>How long pg_ctl start took, until the server accepted connections.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <summary>The connection string of <paramref name="database"/> over the unix socket.</summary>
    public string ConnectionString(string database) =>
        $"Host={_folder};Port={Port};Username=keel;Database={database};Include Error Detail=true";

    /// <summary>A new, empty database copied from <paramref name="template"/>; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string template = "template0")
    {
        await StartAsync().ConfigureAwait(false);
        var name = string.Create(CultureInfo.InvariantCulture, $"keel_test_{Interlocked.Increment(ref _databases)}");
        // The default strategy (WAL_LOG) measured 4x faster here than FILE_COPY, whose checkpoints dominate.
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {template}").ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Creates template <paramref name="name"/> once, filled by <paramref name="prepare"/> (given its connection string).</summary>
    public async Task EnsureTemplateAsync(string name, Func<string, Task> prepare)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        await StartAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_templates.Contains(name))
            {
                return;
            }

            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE template0").ConfigureAwait(false);
            try
            {
                await prepare(ConnectionString(name)).ConfigureAwait(false);
            }
            catch
            {
                // The next test tries again from scratch (and fails with the same, first-hand error).
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").ConfigureAwait(false);
                throw;
            }

            // A template is copied only while nobody is connected to it.
            NpgsqlConnection.ClearAllPools();
            _templates.Add(name);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the database of <paramref name="connectionString"/>, closing whatever is still connected.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)").ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="sql"/> in the maintenance database.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await StartAsync().ConfigureAwait(false);
        var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            using var cmd = new NpgsqlCommand(sql, connection);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the cluster once; throws (or skips, when disabled) if it cannot.</summary>
    public async Task StartAsync()
    {
        if (Disabled)
        {
            Assert.Skip("PostgreSQL tests are off (KEEL_TEST_POSTGRES=off).");
        }

        if (_folder is not null && _failure is null && Port != 0)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException(_failure.Message, _failure);
            }

            if (Port == 0)
            {
                try
                {
                    await Task.Run(Start).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _failure = new InvalidOperationException(
                        "PostgreSQL could not be started for the tests: " + e.Message
                        + " Install Debian's postgresql package (./test.sh does), or set KEEL_TEST_POSTGRES=off to skip the PostgreSQL tests.", e);
                    throw _failure;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Start()
    {
        _bin = FindBin();
        RemoveOrphans(_bin);
        _folder = Directory.CreateTempSubdirectory(Prefix).FullName;
        File.WriteAllText(Path.Combine(_folder, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        if (IsRoot)
        {
            Run("chown", ["-R", "postgres:postgres", _folder], asPostgres: false);
        }

        var data = Path.Combine(_folder, "data");
        var clock = Stopwatch.StartNew();
        Run(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "keel", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
        InitDbTime = clock.Elapsed;
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            File.WriteAllText(Path.Combine(data, "keel-test.conf"), string.Create(CultureInfo.InvariantCulture, $"""
                listen_addresses = '127.0.0.1'
                port = {Port}
                unix_socket_directories = '{_folder}'
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                max_connections = 300
                shared_buffers = 64MB
                log_min_messages = warning
                """));
            File.AppendAllText(Path.Combine(data, "postgresql.conf"), "\ninclude_if_exists = 'keel-test.conf'\n");
            clock.Restart();
            try
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "start"]);
                StartTime = clock.Elapsed;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The free port may have been taken in between: try another.
            }
        }
    }

    private void Stop()
    {
        var folder = Interlocked.Exchange(ref _folder, null);
        if (folder is null || _bin is null)
        {
            return;
        }

        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Not running (it never started, or was stopped): the folder goes all the same.
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops and deletes the clusters of test runs that died without cleaning up.</summary>
    private static void RemoveOrphans(string bin)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.Combine(folder, "owner.pid");
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
            {
                continue;
            }

            try
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
