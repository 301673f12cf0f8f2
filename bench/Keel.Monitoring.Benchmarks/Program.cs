using System.Diagnostics;
using BenchmarkDotNet.Running;
using Keel.Monitoring.Benchmarks;

if (args.Length > 0 && args[0] == "--quick")
{
    // A quick Stopwatch pass (no statistics) to check the figures before a full BenchmarkDotNet run.
    var stats = new StatisticsBenchmarks();
    stats.Setup();
    var report = new ReportBenchmarks();
    report.Setup();
    var pass = new MonitoringPassBenchmarks();
    var windows = new MonitorWindowsBenchmarks();
    var cbpe = new CbpeBenchmarks();
    using var stored = new StoredWindowBenchmarks();
    if (args.Length > 1 && args[1] == "stored")
    {
        stored.Setup();
    }

    if (args.Length > 1 && args[1] == "pass")
    {
        pass.Setup();
        windows.Setup();
        cbpe.Setup();
    }
    var baseline = BenchData.Normal(1_000_000, 9);
    var sortedA = Keel.Monitoring.Statistics.Samples.SortedWithoutNaN(BenchData.Normal(1_000_000, 1));
    var sortedB = Keel.Monitoring.Statistics.Samples.SortedWithoutNaN(BenchData.Normal(1_000_000, 2, 0.001));
    foreach (var (name, action) in new (string, Action)[]
    {
        ("Baseline: Array.Sort of 1M doubles (copy + sort)", () => Array.Sort(baseline.ToArray())),
        ("Samples.SortedWithoutNaN 1M (radix)", () => Keel.Monitoring.Statistics.Samples.SortedWithoutNaN(baseline)),
        ("KS on pre-sorted 1M vs 1M (merge pass + p-value)", () => Keel.Monitoring.Statistics.KolmogorovSmirnov.TwoSampleSorted(sortedA, sortedB)),
        ("KS 1M vs 1M", () => stats.KolmogorovSmirnov_1M_vs_1M()),
        ("Wasserstein 1M vs 1M", () => stats.Wasserstein_1M_vs_1M()),
        ("Report 100k x 60", () => report.Report_100k_x_60_columns()),
        ("Parse CSV 100k x 60", () => report.ParseCsv_100k_x_60_columns()),
        ("Monitoring pass: parse log 1M predictions x 20 features", () => pass.Parse_1M_predictions_x_20_features()),
        ("Monitoring pass: parse, one core", () => pass.Parse_1M_one_core()),
        ("Monitoring pass: parse, one core, reader path only", () => pass.Parse_1M_reader_path_only()),
        ("Monitoring pass: drift and quality on a parsed window", () => pass.Drift_and_quality_on_a_parsed_window()),
        ("Monitoring pass: drift and quality on a parsed window, every row (MaxDriftRows 0)", () => pass.Drift_and_quality_every_row()),
        ("Monitoring pass: drift and quality on a parsed window, one core (as the scheduler)", () => pass.Drift_and_quality_one_core()),
        ("Monitoring pass: 1M predictions x 20 features (parse, drift, quality)", () => pass.Pass_1M_predictions_x_20_features()),
        ("Monitoring pass: 1M predictions x 20 features, every row (MaxDriftRows 0)", () => pass.Pass_1M_every_row()),
        ("Monitoring pass: CBPE standard error, roc_auc, 350k rows, 200 draws", () => cbpe.StandardError_RocAuc_350k()),
        ("Monitoring pass: CBPE standard error, f1_score, 350k rows, 200 draws", () => cbpe.StandardError_F1_350k()),
        ("Monitoring pass: CBPE standard error, roc_auc, 350k rows, 200 draws over the default 20,000-row subsample", () => cbpe.StandardError_RocAuc_350k_subsampled()),
        ("Monitoring pass: CBPE standard error, f1_score, 350k rows, 200 draws over the default 20,000-row subsample", () => cbpe.StandardError_F1_350k_subsampled()),
        ("Stored window: 350k x 20 from SQLite, runner computation with CBPE, through SearchAsync", () => stored.Window_350k_through_SearchAsync()),
        ("Stored window: 350k x 20 from SQLite, runner computation with CBPE, through the window reader", () => stored.Window_350k_through_window_reader()),
        ("Stored window: pass alone over 350k x 20 from SQLite, every row, one core, through SearchAsync", () => stored.Pass_350k_every_row_through_SearchAsync()),
        ("Stored window: pass alone over 350k x 20 from SQLite, every row, one core, through the window reader", () => stored.Pass_350k_every_row_through_window_reader()),
        ("Monitoring pass: monitor window of 1M predictions x 20 features (runner computation, 10 % labelled)", () => windows.Windows_1M_predictions_x_20_features()),
    }.Where(b => (b.Item1.StartsWith("Monitoring pass", StringComparison.Ordinal) ? "pass" : b.Item1.StartsWith("Stored window", StringComparison.Ordinal) ? "stored" : null) == (args.Length > 1 ? args[1] : null))
    .Where(b => args.Length < 3 || b.Item1.Contains(args[2], StringComparison.OrdinalIgnoreCase))) // --quick pass "every row": only those
    {
        action();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        const int reps = 5;
        for (int i = 0; i < reps; i++)
        {
            action();
        }

        double wall = sw.Elapsed.TotalMilliseconds / reps;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        double mb = (GC.GetTotalAllocatedBytes(precise: true) - alloc0) / reps / 1048576.0;
        Console.WriteLine($"{name}: wall {wall:F1} ms, CPU {cpu:F1} ms, allocated {mb:F1} MB per call");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(StatisticsBenchmarks).Assembly).Run(args);
