using System.Diagnostics;
using System.Text;
using Keel.Core.Predictions;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

/// <summary>
/// CPU time per appended single-row record (flights shape: 3 inputs, a label and a probability), in
/// batches of 200 as the server's writer does, measured as the process's CPU time so that other
/// load on the machine hardly moves it. KEEL_APPEND_COST=default|no-model-index|no-request-index|no-indexes.
/// </summary>
internal static class AppendCost
{
    public static async Task RunAsync(string work, string variant)
    {
        var folder = Path.Combine(work, "append-" + variant);
        Directory.CreateDirectory(folder);
        var database = new SqliteTrackingStore(Path.Combine(folder, "keel.db"), Path.Combine(folder, "artifacts"), TimeProvider.System);
        if (variant != "default")
        {
            // Only for this measurement: the store's schema check runs at open, not afterwards.
            await using var connection = new SqliteConnection("Data Source=" + Path.Combine(folder, "keel.db"));
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = variant switch
            {
                "no-model-index" => "DROP INDEX ix_prediction_log_model_time",
                "no-request-index" => "DROP INDEX ix_prediction_log_request",
                _ => "DROP INDEX ix_prediction_log_model_time; DROP INDEX ix_prediction_log_request",
            };
            cmd.ExecuteNonQuery();
        }

        var store = new SqlitePredictionStore(database.Database);
        var batches = Batches();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await store.AppendAsync(batch);
        }

        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"sqlite {variant,-18} {Records} records: {used.TotalMicroseconds / Records:F2} CPU us/record, {wall.Elapsed.TotalMicroseconds / Records:F2} wall us/record, {Records / wall.Elapsed.TotalSeconds:F0} records/s");
        await database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Records each case appends.</summary>
    internal const int Records = 300_000;

    /// <summary>The records, single-row flights requests, in batches of KEEL_BATCH_SIZE (default 200, the server writer's).</summary>
    internal static List<PredictionLogEntry[]> Batches()
    {
        string[] columns = ["distance", "origin", "destination"];
        var inputs = Encoding.UTF8.GetBytes("[[2176.0,\"LAS\",\"PHL\"]]");
        var outputs = Encoding.UTF8.GetBytes("[{\"predicted_label\":\"true\",\"probability\":0.23412345678901234}]");
        var batches = new List<PredictionLogEntry[]>();
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var size = int.Parse(Environment.GetEnvironmentVariable("KEEL_BATCH_SIZE") ?? "200", System.Globalization.CultureInfo.InvariantCulture);
        for (var r = 0; r < Records; r += size)
        {
            batches.Add(Enumerable.Range(r, size).Select(i => new PredictionLogEntry(Guid.CreateVersion7().ToString("N"), "flights", "2", t0 + (i / 50), 100, 1, columns, inputs, outputs)).ToArray());
        }

        return batches;
    }
}
