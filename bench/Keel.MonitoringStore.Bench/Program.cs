using System.Diagnostics;
using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

// Monitoring store benchmark (docs/benchmarks.md, "Monitoring store"):
//   dotnet run -c Release --project bench/Keel.MonitoringStore.Bench -- [--folder DIR] [--days 7] [--features 20] [--reps 30]
// Stores a week of five-minute windows for four series of one model (version 1 direct, version 2 as
// the stable and candidate arms of a deployment, version 3 direct), each with drift rows for
// --features inputs and 2 prediction columns, one pass (4 windows) per durable write as the
// scheduler does; then times the reads the status page, the heatmap and the summary make.
var folder = Arg("--folder") ?? Path.Combine(Path.GetTempPath(), "keel-monitoring-store-bench");
var days = int.Parse(Arg("--days") ?? "7", CultureInfo.InvariantCulture);
var featureCount = int.Parse(Arg("--features") ?? "20", CultureInfo.InvariantCulture);
var reps = int.Parse(Arg("--reps") ?? "30", CultureInfo.InvariantCulture);
if (Directory.Exists(folder))
{
    Directory.Delete(folder, recursive: true);
}

Directory.CreateDirectory(folder);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
const long Step = 300_000;
const long T0 = 1_767_225_600_000;
var windowsPerSeries = days * 24 * 12;
var series = new (string Version, string? Deployment, string? Arm)[] { ("1", null, null), ("2", "prod", "stable"), ("2", "prod", "candidate"), ("3", null, null) };
var random = new Random(7);

await using (var database = new SqliteTrackingStore(Path.Combine(folder, "keel.db"), Path.Combine(folder, "artifacts"), TimeProvider.System))
{
    var store = new SqliteMonitoringStore(database.Database);
    var passes = new List<double>(windowsPerSeries);
    for (var i = 0; i < windowsPerSeries; i++)
    {
        var pass = series.Select(s => Window(s.Version, s.Deployment, s.Arm, i)).ToList();
        var watch = Stopwatch.StartNew();
        await store.PutWindowsAsync(pass);
        passes.Add(watch.Elapsed.TotalMilliseconds);
    }

    Report($"store one pass ({series.Length} windows x {featureCount + 2} feature rows), {windowsPerSeries} passes", passes);
    Console.WriteLine($"stored: {windowsPerSeries * series.Length} windows, {windowsPerSeries * series.Length * (featureCount + 2)} feature rows, file {new FileInfo(database.DatabasePath).Length / 1024} KiB (+ WAL)");

    await TimeAsync($"heatmap: one series, {days} days ({windowsPerSeries} windows with features)", async () =>
        (await store.ListWindowsAsync(new MonitorWindowQuery("credit", Version: "2", Deployment: "prod", Arm: "candidate", MaxResults: MonitorWindowQuery.MaxPageSize))).Items.Count);
    await TimeAsync("heatmap: every series, last 24 h (1,152 windows with features)", async () =>
        (await store.ListWindowsAsync(new MonitorWindowQuery("credit", FromMs: T0 + ((windowsPerSeries - 288) * Step), MaxResults: MonitorWindowQuery.MaxPageSize))).Items.Count);
    await TimeAsync("windows/list default page (1,000 windows, oldest first)", async () =>
        (await store.ListWindowsAsync(new MonitorWindowQuery("credit"))).Items.Count);
    await TimeAsync("latest window of every series (status)", async () => (await store.LatestWindowsAsync("credit")).Count);

    var alert = new Alert { Key = Alert.MakeKey("credit", "drift", "2", "prod", "candidate"), Model = "credit", Rule = "drift", Kind = AlertRuleKinds.DriftedShare, Severity = "warning", Version = "2", Deployment = "prod", Arm = "candidate", State = AlertStates.Pending, SinceMs = T0 };
    var current = (await store.TryPutAlertAsync(alert, 0, null))!;
    var writes = new List<double>(reps);
    for (var i = 0; i < reps; i++)
    {
        var next = current with { Breaches = current.Breaches + 1 };
        var watch = Stopwatch.StartNew();
        current = (await store.TryPutAlertAsync(next, current.Revision, new AlertEvent(0, 0, "credit", "drift", AlertStates.Pending, AlertStates.Pending, T0 + i, 0.5, "still breaching", """{"threshold":0.3}""")))!;
        writes.Add(watch.Elapsed.TotalMilliseconds);
    }

    Report("alert update with its history entry (revision checked)", writes);
    var prune = Stopwatch.StartNew();
    var deleted = await store.DeleteWindowsBeforeAsync(T0 + (288 * Step) + 1);
    Console.WriteLine($"retention: deleted the first day ({deleted} windows and their features) in {prune.Elapsed.TotalMilliseconds:0.0} ms");
}

SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

async Task TimeAsync(string what, Func<Task<int>> read)
{
    var count = await read(); // warm-up
    var times = new List<double>(reps);
    for (var i = 0; i < reps; i++)
    {
        var watch = Stopwatch.StartNew();
        count = await read();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    Report($"{what} -> {count} windows", times);
}

void Report(string what, List<double> ms)
{
    ms.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: p50 {ms[ms.Count / 2]:0.00} ms, p90 {ms[(int)(ms.Count * 0.9)]:0.00} ms, max {ms[^1]:0.00} ms"));
}

MonitorWindow Window(string version, string? deployment, string? arm, int index) => new()
{
    Model = "credit",
    Version = version,
    Deployment = deployment,
    Arm = arm,
    StartMs = T0 + (index * Step),
    EndMs = T0 + ((index + 1) * Step),
    ComputedAtMs = T0 + ((index + 1) * Step) + 250,
    Requests = 1000 + random.Next(500),
    Errors = random.Next(5),
    LatencyP50Us = 800 + random.Next(100),
    LatencyP99Us = 4000 + random.Next(1000),
    InputRows = 1000,
    ReferenceSource = "training",
    DriftedShare = random.NextDouble(),
    DatasetDrift = random.Next(2) == 0,
    Features = [.. Enumerable.Range(0, featureCount).Select(f => new FeatureDrift($"feature_{f:00}", "input", f % 3 == 0 ? "chisquare" : "ks", random.NextDouble(), random.NextDouble(), 0.05, random.Next(4) == 0)),
        new FeatureDrift("prediction", "prediction", "chisquare", random.NextDouble(), random.NextDouble(), 0.05, false),
        new FeatureDrift("probability", "prediction", "ks", random.NextDouble(), random.NextDouble(), 0.05, false)],
    Quality = new WindowQuality(true, 0.01, 0, 0, []),
    Performance = new WindowPerformance("accuracy", true, 0.8, 300, 0.79, 1000, 0.85),
};

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
