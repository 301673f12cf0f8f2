using System.Diagnostics;
using System.Globalization;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;

namespace Keel.Tracking.Bench;

/// <summary>
/// Seeds benchmark data straight through <see cref="SqliteTrackingStore"/> (the server's own store,
/// so the schema and the derived tables are exactly what the server writes), with many writes in
/// flight so the group-commit queue batches them. Run it while no server has the database open.
/// </summary>
internal static class Seeder
{
    public const string HistoryKey = "loss";
    private const int InFlight = 512;

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var db = options.Required("db");
        var artifacts = options.Required("artifacts");
        var output = options.Required("out");
        await using var store = new SqliteTrackingStore(db, artifacts, TimeProvider.System);

        var searchExperiments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var runs in options.IntList("runs"))
        {
            var sw = Stopwatch.StartNew();
            searchExperiments[runs.ToString(CultureInfo.InvariantCulture)] = await SeedRunsAsync(store, runs, cancellationToken);
            Console.Error.WriteLine($"seeded {runs} runs (5 params, 5 metrics each) in {sw.Elapsed.TotalSeconds:F1} s");
        }

        var historyRuns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var points in options.IntList("history"))
        {
            var sw = Stopwatch.StartNew();
            historyRuns[points.ToString(CultureInfo.InvariantCulture)] = await SeedHistoryAsync(store, points, cancellationToken);
            Console.Error.WriteLine($"seeded a history of {points} points in {sw.Elapsed.TotalSeconds:F1} s");
        }

        new SeedFile(searchExperiments, historyRuns, HistoryKey).Save(output);
        return 0;
    }

    private static async Task<string> SeedRunsAsync(SqliteTrackingStore store, int count, CancellationToken cancellationToken)
    {
        var experimentId = await store.CreateExperimentAsync($"bench-search-{count}-{Guid.NewGuid():N}", null, null, cancellationToken);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count;
        await ForEachAsync(count, async i =>
        {
            var random = new Random(i);
            var run = await store.CreateRunAsync(new CreateRunCommand(experimentId, "bench", $"run-{i}", t0 + i, null), cancellationToken);
            var metrics = new Metric[5];
            var @params = new Param[5];
            for (var k = 0; k < 5; k++)
            {
                metrics[k] = new Metric($"m{k}", random.NextDouble(), t0 + i, 0);
                @params[k] = new Param($"p{k}", $"v{random.Next(10)}");
            }

            await store.LogBatchAsync(run.Info.RunId, metrics, @params, [], cancellationToken);
        });
        return experimentId;
    }

    private static async Task<string> SeedHistoryAsync(SqliteTrackingStore store, int points, CancellationToken cancellationToken)
    {
        var experimentId = await store.CreateExperimentAsync($"bench-history-{points}-{Guid.NewGuid():N}", null, null, cancellationToken);
        var run = await store.CreateRunAsync(new CreateRunCommand(experimentId, "bench", $"history-{points}", null, null), cancellationToken);
        var runId = run.Info.RunId;
        const int PerBatch = 1000;
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ForEachAsync((points + PerBatch - 1) / PerBatch, b =>
        {
            var first = (long)b * PerBatch;
            var n = (int)Math.Min(PerBatch, points - first);
            var metrics = new Metric[n];
            for (var j = 0; j < n; j++)
            {
                var step = first + j;
                metrics[j] = new Metric(HistoryKey, 1.0 / (1 + step), t0 + step, step);
            }

            return store.LogBatchAsync(runId, metrics, [], [], cancellationToken);
        }, inFlight: 16);
        return runId;
    }

    private static async Task ForEachAsync(int count, Func<int, Task> body, int inFlight = InFlight)
    {
        using var gate = new SemaphoreSlim(inFlight);
        var tasks = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await body(index);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
    }
}
