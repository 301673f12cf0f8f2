using System.Diagnostics;
using System.Globalization;
using Keel.Core.Tracking;
using Keel.Server;
using Keel.Storage.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

// keel-ui-bench [--runs 100000] [--folder DIR] [--samples 7] [--chromium /usr/bin/chromium]
// Seeds DIR/keel.db once (kept for re-runs), starts keel server on it in this process, and opens the
// pages in a fresh Chromium context per sample, reading the browser's own performance timing.
var options = Args.Parse(args);
var runs = options.Int("runs", 100_000);
var folder = options.Get("folder") ?? Path.Combine(Path.GetTempPath(), $"keel-ui-bench-{runs}");
var samples = options.Int("samples", 7);
var chromium = options.Get("chromium") ?? "/usr/bin/chromium";
Directory.CreateDirectory(folder);
var db = Path.Combine(folder, "keel.db");
var artifacts = Path.Combine(folder, "artifacts");
var marker = Path.Combine(folder, "experiment-id");

if (!File.Exists(marker))
{
    var sw = Stopwatch.StartNew();
    var id = await Seed.RunsAsync(db, artifacts, runs);
    await File.WriteAllTextAsync(marker, id);
    Console.Error.WriteLine($"seeded {runs} runs (5 params, 5 metrics, 2 tags each) in {sw.Elapsed.TotalSeconds:F0} s");
}

var experimentId = (await File.ReadAllTextAsync(marker)).Trim();
await using var app = KeelServerApp.Build([], o =>
{
    o.Port = 0;
    o.BackendStoreUri = "sqlite:///" + db;
    o.ArtifactsUri = artifacts;
});
await app.StartAsync();
var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
var address = $"http://127.0.0.1:{port}/";

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = chromium,
    Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

Console.WriteLine($"Chromium {browser.Version}, {runs} runs in one experiment, {samples} samples per page (fresh context each, first one a warm-up)");
Console.WriteLine("page | FCP ms (median, max) | page drawn ms (median, max) | LCP ms (median, max) | API calls");
foreach (var (label, hash) in new[]
{
    ("experiments (home)", "#/"),
    ("runs table, 50 per page, newest first", $"#/experiments/{experimentId}"),
    ("runs table, metric filter + order_by", $"#/experiments/{experimentId}?filter=metrics.m1+%3E+0.5&order=metrics.%60m0%60+DESC"),
    ("runs table, page size 250", $"#/experiments/{experimentId}?size=250"),
})
{
    var fcp = new List<double>();
    var drawn = new List<double>();
    var lcp = new List<double>();
    var calls = 0;
    for (var i = 0; i <= samples; i++)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var api = 0;
        page.Request += (_, r) => { if (r.Url.Contains("/api/", StringComparison.Ordinal)) { api++; } };
        await page.AddInitScriptAsync("""
            window.__lcp = 0;
            new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
            """);
        await page.GotoAsync(address + hash);
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('keel:page-painted').length > 0", null, new() { Timeout = 60_000 });
        var t = await page.EvaluateAsync<double[]>("""
            () => [
              performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
              performance.getEntriesByName('keel:page-painted')[0].startTime,
              window.__lcp,
            ]
            """);
        if (i == 0)
        {
            continue; // warm-up: JIT of the server's search path, SQLite page cache
        }

        fcp.Add(t[0]);
        drawn.Add(t[1]);
        lcp.Add(t[2]);
        calls = api;
    }

    Console.WriteLine($"{label} | {Median(fcp):F0}, {fcp.Max():F0} | {Median(drawn):F0}, {drawn.Max():F0} | {Median(lcp):F0}, {lcp.Max():F0} | {calls}");
}

await app.StopAsync();
return 0;

static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
}

internal static class Seed
{
    /// <summary>Seeds through the server's own SQLite store, many writes in flight so group commit batches them.</summary>
    public static async Task<string> RunsAsync(string db, string artifacts, int count)
    {
        await using var store = new SqliteTrackingStore(db, artifacts, TimeProvider.System);
        var experimentId = await store.CreateExperimentAsync("bench-ui-" + count.ToString(CultureInfo.InvariantCulture), null, null);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count;
        using var gate = new SemaphoreSlim(512);
        var tasks = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var n = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var random = new Random(n);
                    var run = await store.CreateRunAsync(new CreateRunCommand(experimentId, "bench", $"run-{n}", t0 + n, null));
                    var metrics = new Metric[5];
                    var @params = new Param[5];
                    for (var k = 0; k < 5; k++)
                    {
                        metrics[k] = new Metric($"m{k}", random.NextDouble(), t0 + n, 0);
                        @params[k] = new Param($"p{k}", $"v{random.Next(10)}");
                    }

                    await store.LogBatchAsync(run.Info.RunId, metrics, @params, [new RunTag("team", n % 2 == 0 ? "red" : "blue"), new RunTag("stage", "sweep")]);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
        return experimentId;
    }
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new Args(values);
    }

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
