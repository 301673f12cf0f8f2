using System.Diagnostics;
using System.Globalization;
using Keel.Storage.Postgres;
using Npgsql;

/// <summary>
/// <see cref="AppendCost"/> on PostgreSQL: the same 300,000 single-row records in the same batches,
/// appended through <see cref="PostgresPredictionStore"/> (one binary COPY per batch) into the
/// database at KEEL_PG (a URI or connection string; its prediction log must be empty). Prints
/// records/s (wall), this process's CPU and the cluster's CPU (the postmaster and its children, read
/// from /proc) per record, then the table's disk bytes per record against the retention estimate.
/// KEEL_WRITERS (default 1) appenders share the batches, as replicas would. Variants other than
/// "default" drop indexes: point KEEL_PG at a scratch database (pg-append.sh starts its own cluster).
/// </summary>
internal static class PostgresAppendCost
{
    public static async Task RunAsync(string address, string variant)
    {
        await using var database = await PostgresDatabase.OpenAsync(address);
        var store = new PostgresPredictionStore(database);
        await using var admin = NpgsqlDataSource.Create(address.Contains("://", StringComparison.Ordinal) ? ToConnectionString(address) : address);
        await using (var any = admin.CreateCommand("SELECT EXISTS (SELECT 1 FROM prediction_log)"))
        {
            if ((bool)(await any.ExecuteScalarAsync())!)
            {
                // The disk figures are of this run's records only; and a bench never deletes someone's log.
                throw new InvalidOperationException("KEEL_PG names a database whose prediction log is not empty: use an empty one.");
            }
        }

        if (variant != "default")
        {
            // Only for this measurement: the schema check runs at open, not afterwards.
            await ExecuteAsync(admin, variant switch
            {
                "no-model-index" => "DROP INDEX ix_prediction_log_model_time",
                "no-request-index" => "DROP INDEX ix_prediction_log_request",
                _ => "DROP INDEX ix_prediction_log_model_time; DROP INDEX ix_prediction_log_request",
            });
        }

        var writers = int.Parse(Environment.GetEnvironmentVariable("KEEL_WRITERS") ?? "1", CultureInfo.InvariantCulture);
        var batches = AppendCost.Batches();
        await store.AppendAsync(batches[0]); // warm-up: JIT, the pool's first connection, the column list
        var postmaster = await PostmasterPidAsync(admin);
        var serverCpu = ClusterCpu(postmaster);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var b = 1 + w; b < batches.Count; b += writers)
            {
                await store.AppendAsync(batches[b]);
            }
        })));
        wall.Stop();
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var server = ClusterCpu(postmaster) - serverCpu;
        var records = AppendCost.Records - batches[0].Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"postgres {variant,-16} {writers} writer(s) {records} records: {records / wall.Elapsed.TotalSeconds:F0} records/s, {wall.Elapsed.TotalMicroseconds / records:F2} wall us/record, {used.TotalMicroseconds / records:F2} client CPU us/record, {server.TotalMicroseconds / records:F2} server CPU us/record"));

        var (bytes, text, count) = await DiskAsync(admin);
        var estimate = await store.EstimatedBytesAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"postgres {variant,-16} disk: {(double)bytes / count:F0} B/record ({(double)(bytes - text) / count:F0} beyond the stored text); retention estimate/actual {(double)estimate / bytes:F2}"));
    }

    private static string ToConnectionString(string uri)
    {
        // PostgresDatabase parses URIs itself; the admin connection needs Npgsql's form.
        var u = new Uri(uri);
        var b = new NpgsqlConnectionStringBuilder { Host = u.Host, Port = u.IsDefaultPort ? 5432 : u.Port, Database = u.AbsolutePath.Trim('/') };
        var user = u.UserInfo.Split(':');
        b.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1)
        {
            b.Password = Uri.UnescapeDataString(user[1]);
        }

        return b.ConnectionString;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource admin, string sql)
    {
        await using var cmd = admin.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<(long Bytes, long Text, long Count)> DiskAsync(NpgsqlDataSource admin)
    {
        await using var cmd = admin.CreateCommand("""
            SELECT pg_total_relation_size('prediction_log'),
                   SUM(pg_column_size(request_id) + pg_column_size(inputs) + pg_column_size(outputs) + pg_column_size(model_name) + pg_column_size(model_version))::bigint,
                   COUNT(*)
            FROM prediction_log
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>The postmaster's pid, from <c>postmaster.pid</c> in the data directory; null when it cannot be read (a remote server).</summary>
    private static async Task<int?> PostmasterPidAsync(NpgsqlDataSource admin)
    {
        try
        {
            await using var cmd = admin.CreateCommand("SHOW data_directory");
            var folder = (string)(await cmd.ExecuteScalarAsync())!;
            return int.Parse(File.ReadLines(Path.Combine(folder, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PostgresException)
        {
            return null;
        }
    }

    /// <summary>User + system CPU of the postmaster and its children (backends, WAL writer, checkpointer ...).</summary>
    private static TimeSpan ClusterCpu(int? postmaster)
    {
        if (postmaster is not { } root)
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (pid == root || int.Parse(fields[1], CultureInfo.InvariantCulture) == root)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }
}
