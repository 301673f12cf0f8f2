using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace Keel.Tracking.Bench;

/// <summary>
/// Latency of runs/search filtered and ordered by a metric (max_results 100), one request at a
/// time; the clock covers sending the request, the server's work and reading the whole answer.
/// </summary>
internal static class SearchBench
{
    public const string Filter = "metrics.m0 > 0.5";
    public const string OrderBy = "metrics.m1 DESC";

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var seed = SeedFile.Load(options.Required("seed"));
        var runs = options.Required("runs");
        var experimentId = seed.SearchExperiments[runs];
        var reps = options.Int("reps", 200);
        var warmup = options.Int("warmup", 20);
        var filter = options.Optional("filter") ?? Filter;
        var orderBy = options.Optional("order-by") ?? OrderBy;
        using var http = Http.Create(options.Required("url"));
        var body = new Dictionary<string, object>
        {
            ["experiment_ids"] = new[] { experimentId },
            ["max_results"] = 100,
        };
        if (filter.Length > 0)
        {
            body["filter"] = filter;
        }

        if (orderBy.Length > 0)
        {
            body["order_by"] = new[] { orderBy };
        }

        var latencies = new List<double>(reps);
        for (var i = 0; i < warmup + reps; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("api/2.0/mlflow/runs/search", body, cancellationToken);
            await Http.EnsureOkAsync(response, cancellationToken);
            var page = await response.Content.ReadFromJsonAsync<SearchPage>(Http.Json, cancellationToken);
            sw.Stop();
            if (i == 0)
            {
                Check(page, filter, orderBy);
            }

            if (i >= warmup)
            {
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT search runs={runs} reps={reps} p50_ms={Stats.Median(latencies):F3} p90_ms={Stats.Percentile(latencies, 90):F3} p99_ms={Stats.Percentile(latencies, 99):F3} min_ms={latencies.Min():F3}"));
        return 0;
    }

    /// <summary>Guards against timing an answer that is wrong (empty, unfiltered, unordered).</summary>
    private static void Check(SearchPage? page, string filter, string orderBy)
    {
        var runs = page?.Runs ?? [];
        if (runs.Count != 100)
        {
            throw new InvalidDataException($"Expected 100 runs, got {runs.Count}.");
        }

        double Metric(RunDto r, string key) => r.Data.Metrics?.Single(m => m.Key == key).Value ?? double.NaN;
        if (filter == Filter && runs.Any(r => !(Metric(r, "m0") > 0.5)))
        {
            throw new InvalidDataException($"A run breaks the filter {filter}.");
        }

        if (orderBy == OrderBy)
        {
            for (var i = 1; i < runs.Count; i++)
            {
                if (Metric(runs[i - 1], "m1") < Metric(runs[i], "m1"))
                {
                    throw new InvalidDataException($"Runs are not ordered by {orderBy}.");
                }
            }
        }
    }
}
