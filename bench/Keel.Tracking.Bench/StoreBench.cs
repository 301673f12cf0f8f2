using System.Diagnostics;
using System.Globalization;
using Keel.Core.Tracking;
using Keel.Storage.Postgres;
using Keel.Storage.Sqlite;

namespace Keel.Tracking.Bench;

/// <summary>
/// The tracking benchmarks through <see cref="ITrackingStore"/> in this process, the same on every
/// backend (<c>--backend sqlite:///path</c> or <c>--backend postgresql://...</c>): log-metric at 1, 8
/// and 64 calls in flight, log-batch with 1000 metrics a call (10 keys x 100 steps, as
/// bench/tracking/log-batch.lua) at 8 in flight, search filtered and ordered by a metric over a store
/// holding --runs runs, and a --points history read in pages of 25,000. No HTTP: it compares the
/// backends' store costs; bench/tracking/run.sh measures the server over HTTP.
/// </summary>
internal static class StoreBench
{
    private const int BatchSize = 1000;

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var backend = options.Required("backend");
        var seconds = options.Int("seconds", 10);
        var runs = options.Int("runs", 100_000);
        var points = options.Int("points", 100_000);
        var reps = options.Int("reps", 20);
        var skip = (options.Optional("skip") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var (store, dispose) = await OpenAsync(backend, cancellationToken);
        try
        {
            Console.WriteLine($"# backend {Redact(backend)}; {Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}");
            if (!skip.Contains("write"))
            {
                // Warm-up (not recorded): JIT and connection pools.
                await LogMetricsAsync(store, 8, TimeSpan.FromSeconds(2), cancellationToken);
                await LogBatchesAsync(store, 8, TimeSpan.FromSeconds(2), cancellationToken);
                foreach (var inFlight in skip.Contains("log-metric") ? [] : new[] { 1, 8, 64 })
                {
                    var (count, wall, latencies) = await LogMetricsAsync(store, inFlight, TimeSpan.FromSeconds(seconds), cancellationToken);
                    Console.WriteLine(Invariant($"RESULT store-log-metric in_flight={inFlight} metrics_per_s={count / wall.TotalSeconds:F0} p50_ms={Stats.Median(latencies):F2} p99_ms={Stats.Percentile(latencies, 99):F2}"));
                }

                // Process CPU per metric (the store's work, the bench's batch building and the GC): less
                // sensitive to other load on a shared machine than the throughput.
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var (metrics, batchWall, batchLatencies) = await LogBatchesAsync(store, 8, TimeSpan.FromSeconds(seconds), cancellationToken);
                var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, metrics);
                Console.WriteLine(Invariant($"RESULT store-log-batch in_flight=8 metrics_per_call={BatchSize} metrics_per_s={metrics / batchWall.TotalSeconds:F0} p50_ms={Stats.Median(batchLatencies):F2} p99_ms={Stats.Percentile(batchLatencies, 99):F2} cpu_us_per_metric={cpuUs:F2} load={File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }

            if (!skip.Contains("search"))
            {
                await SearchAsync(store, runs, reps, cancellationToken);
            }

            if (!skip.Contains("history"))
            {
                await HistoryAsync(store, points, Math.Max(3, reps / 4), cancellationToken);
            }
        }
        finally
        {
            await dispose();
        }

        return 0;
    }

    private static async Task<(ITrackingStore Store, Func<ValueTask> Dispose)> OpenAsync(string backend, CancellationToken cancellationToken)
    {
        if (backend.StartsWith("sqlite:///", StringComparison.Ordinal))
        {
            var path = backend["sqlite://".Length..];
            var sqlite = new SqliteTrackingStore(path, Path.Combine(Path.GetDirectoryName(path)!, "artifacts"), TimeProvider.System);
            return (sqlite, sqlite.DisposeAsync);
        }

        var database = await PostgresDatabase.OpenAsync(backend, TimeProvider.System, cancellationToken);
        return (new PostgresTrackingStore(database, "/tmp/keel-bench-artifacts"), database.DisposeAsync);
    }

    private static async Task<(long Count, TimeSpan Wall, List<double> LatenciesMs)> LogMetricsAsync(ITrackingStore store, int inFlight, TimeSpan duration, CancellationToken cancellationToken)
    {
        var runId = (await store.CreateRunAsync(new CreateRunCommand("0", "bench", "store-log-metric", null, null), cancellationToken)).Info.RunId;
        var step = 0L;
        return await DriveAsync(inFlight, duration, async () =>
        {
            var s = Interlocked.Increment(ref step);
            await store.LogMetricAsync(runId, new Metric("loss", 1.0 / s, 1_700_000_000_000 + s, s), cancellationToken);
            return 1;
        });
    }

    private static async Task<(long Count, TimeSpan Wall, List<double> LatenciesMs)> LogBatchesAsync(ITrackingStore store, int inFlight, TimeSpan duration, CancellationToken cancellationToken)
    {
        var runId = (await store.CreateRunAsync(new CreateRunCommand("0", "bench", "store-log-batch", null, null), cancellationToken)).Info.RunId;
        var call = 0L;
        return await DriveAsync(inFlight, duration, async () =>
        {
            var n = Interlocked.Increment(ref call);
            await store.LogBatchAsync(runId, Batch(n), [], [], cancellationToken);
            return BatchSize;
        });
    }

    /// <summary>1000 metrics, 10 keys x 100 steps, every one a distinct (key, step, timestamp).</summary>
    private static Metric[] Batch(long n)
    {
        var metrics = new Metric[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            var k = i % 10;
            metrics[i] = new Metric($"m{k}", i % 997 / 997.0, 1_700_000_000_000 + n, (n * (BatchSize / 10)) + ((i - k) / 10));
        }

        return metrics;
    }

    /// <summary>Keeps <paramref name="inFlight"/> calls running for <paramref name="duration"/>.</summary>
    private static async Task<(long Count, TimeSpan Wall, List<double> LatenciesMs)> DriveAsync(int inFlight, TimeSpan duration, Func<Task<int>> call)
    {
        var total = 0L;
        var latencies = new List<double>[inFlight];
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, inFlight).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            while (sw.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                var n = await call();
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Add(ref total, n);
            }
        })).ToList();
        await Task.WhenAll(workers);
        return (total, sw.Elapsed, latencies.SelectMany(l => l).ToList());
    }

    private static async Task SearchAsync(ITrackingStore store, int runs, int reps, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var experimentId = await store.CreateExperimentAsync($"bench-search-{runs}-{Guid.NewGuid():N}", null, null, cancellationToken);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - runs;
        using (var gate = new SemaphoreSlim(64))
        {
            var tasks = new List<Task>(runs);
            for (var i = 0; i < runs; i++)
            {
                await gate.WaitAsync(cancellationToken);
                var index = i;
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        var random = new Random(index);
                        var run = await store.CreateRunAsync(new CreateRunCommand(experimentId, "bench", $"run-{index}", t0 + index, null), cancellationToken);
                        var metrics = Enumerable.Range(0, 5).Select(k => new Metric($"m{k}", random.NextDouble(), t0 + index, 0)).ToList();
                        var @params = Enumerable.Range(0, 5).Select(k => new Param($"p{k}", $"v{random.Next(10)}")).ToList();
                        await store.LogBatchAsync(run.Info.RunId, metrics, @params, [], cancellationToken);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, cancellationToken));
            }

            await Task.WhenAll(tasks);
        }

        Console.WriteLine(Invariant($"# seeded {runs} runs (5 metrics, 5 params each) in {sw.Elapsed.TotalSeconds:F1} s"));
        var query = new RunSearchQuery([experimentId], SearchBench.Filter, MaxResults: 100, OrderBy: [SearchBench.OrderBy]);
        for (var i = 0; i < 20; i++)
        {
            await store.SearchRunsAsync(query, cancellationToken);
        }

        var latencies = new List<double>(reps);
        for (var i = 0; i < reps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var page = await store.SearchRunsAsync(query, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (page.Items.Count == 0 || (runs >= 1000 && page.Items.Count != 100) || page.Items.Any(r => !(r.Data.Metrics.First(m => m.Key == "m0").Value > 0.5)))
            {
                throw new InvalidDataException("The search answered a wrong page.");
            }
        }

        Console.WriteLine(Invariant($"RESULT store-search runs={runs} filter=\"{SearchBench.Filter}\" order_by=\"{SearchBench.OrderBy}\" max_results=100 p50_ms={Stats.Median(latencies):F1} p99_ms={Stats.Percentile(latencies, 99):F1}"));
    }

    private static async Task HistoryAsync(ITrackingStore store, int points, int reps, CancellationToken cancellationToken)
    {
        var runId = (await store.CreateRunAsync(new CreateRunCommand("0", "bench", $"history-{points}", null, null), cancellationToken)).Info.RunId;
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var first = 0; first < points; first += BatchSize)
        {
            var n = Math.Min(BatchSize, points - first);
            var metrics = new Metric[n];
            for (var j = 0; j < n; j++)
            {
                long step = first + j;
                metrics[j] = new Metric("loss", 1.0 / (1 + step), t0 + step, step);
            }

            await store.LogBatchAsync(runId, metrics, [], [], cancellationToken);
        }

        var latencies = new List<double>(reps);
        for (var i = 0; i <= reps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var read = 0;
            string? token = null;
            do
            {
                var page = await store.GetMetricHistoryAsync(runId, "loss", 25_000, token, cancellationToken);
                read += page.Items.Count;
                token = page.NextPageToken;
            }
            while (token is not null);

            if (read != points)
            {
                throw new InvalidDataException($"Read {read} points of {points}.");
            }

            if (i > 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        Console.WriteLine(Invariant($"RESULT store-history points={points} page=25000 p50_ms={Stats.Median(latencies):F0} points_per_s={points / (Stats.Median(latencies) / 1000):F0}"));
    }

    private static string Redact(string backend) =>
        backend.Contains('@', StringComparison.Ordinal) ? backend[..(backend.IndexOf("://", StringComparison.Ordinal) + 3)] + "***" + backend[backend.IndexOf('@', StringComparison.Ordinal)..] : backend;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
