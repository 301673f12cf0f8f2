using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace Keel.Tracking.Bench;

/// <summary>
/// Time to fetch every page of one metric's history with metrics/get-history (max_results per
/// page, following next_page_token). Mode "parse" (default) deserializes every point as a client
/// would; mode "raw" reads each body as bytes and only finds next_page_token, which leaves the
/// server's work and the transfer.
/// </summary>
internal static class HistoryBench
{
    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var seed = SeedFile.Load(options.Required("seed"));
        var points = options.Required("points");
        var runId = seed.HistoryRuns[points];
        var expected = long.Parse(points, CultureInfo.InvariantCulture);
        var reps = options.Int("reps", 5);
        var pageSize = options.Int("page", 25000);
        var raw = (options.Optional("mode") ?? "parse") == "raw";
        using var http = Http.Create(options.Required("url"));

        // One untimed fetch warms the JIT, the connection and the page cache.
        await FetchAllAsync(http, runId, seed.HistoryKey, pageSize, expected, raw: false, cancellationToken);
        var times = new List<double>(reps);
        var pages = 0;
        for (var i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            pages = await FetchAllAsync(http, runId, seed.HistoryKey, pageSize, expected, raw, cancellationToken);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT history points={points} mode={(raw ? "raw" : "parse")} pages={pages} reps={reps} median_ms={Stats.Median(times):F1} min_ms={times.Min():F1} max_ms={times.Max():F1}"));
        return 0;
    }

    /// <summary>Prints how many points a run's metric holds (durability check after a load run).</summary>
    public static async Task<int> CountAsync(Options options, CancellationToken cancellationToken)
    {
        using var http = Http.Create(options.Required("url"));
        long count = 0;
        string? token = null;
        do
        {
            var page = await GetPageAsync(http, options.Required("run-id"), options.Required("key"), 25000, token, cancellationToken);
            count += page.Metrics?.Count ?? 0;
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        Console.WriteLine(count.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static async Task<int> FetchAllAsync(HttpClient http, string runId, string key, int pageSize, long expected, bool raw, CancellationToken cancellationToken)
    {
        if (raw)
        {
            return await FetchAllRawAsync(http, runId, key, pageSize, cancellationToken);
        }

        long count = 0;
        long lastStep = -1;
        var pages = 0;
        string? token = null;
        do
        {
            var page = await GetPageAsync(http, runId, key, pageSize, token, cancellationToken);
            pages++;
            foreach (var m in page.Metrics ?? [])
            {
                if (m.Step <= lastStep)
                {
                    throw new InvalidDataException($"History out of order at step {m.Step}.");
                }

                lastStep = m.Step;
                count++;
            }

            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));

        if (count != expected)
        {
            throw new InvalidDataException($"Expected {expected} points, fetched {count}.");
        }

        return pages;
    }

    private static async Task<int> FetchAllRawAsync(HttpClient http, string runId, string key, int pageSize, CancellationToken cancellationToken)
    {
        var pages = 0;
        string? token = null;
        do
        {
            using var response = await http.GetAsync(PageUrl(runId, key, pageSize, token), cancellationToken);
            await Http.EnsureOkAsync(response, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            pages++;
            token = TrailingToken(body);
        }
        while (token is not null);
        return pages;
    }

    /// <summary>next_page_token is the answer's last member when present: read it from the tail.</summary>
    private static string? TrailingToken(byte[] body)
    {
        var tail = System.Text.Encoding.UTF8.GetString(body.AsSpan(Math.Max(0, body.Length - 512)));
        const string Marker = "\"next_page_token\":\"";
        var at = tail.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + Marker.Length;
        return tail[start..tail.IndexOf('"', start)];
    }

    private static string PageUrl(string runId, string key, int pageSize, string? token)
    {
        var url = $"api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key={Uri.EscapeDataString(key)}&max_results={pageSize}";
        return string.IsNullOrEmpty(token) ? url : url + "&page_token=" + Uri.EscapeDataString(token);
    }

    private static async Task<HistoryPage> GetPageAsync(HttpClient http, string runId, string key, int pageSize, string? token, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(PageUrl(runId, key, pageSize, token), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await Http.EnsureOkAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<HistoryPage>(Http.Json, cancellationToken)
            ?? throw new InvalidDataException("Empty history page.");
    }
}
