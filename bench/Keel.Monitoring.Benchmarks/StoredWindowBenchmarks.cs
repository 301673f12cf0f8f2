using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Performance.Estimation;
using Keel.Monitoring.Reference;
using Keel.Storage.Sqlite;

namespace Keel.Monitoring.Benchmarks;

/// <summary>
/// What the server's monitor runner spends on one window read from the real SQLite prediction log:
/// <see cref="MonitorWindows.ComputeAsync"/> over 350,000 logged requests × 20 features (one 10 s
/// window of the serving stress bench), one request in twenty labelled, with CBPE's estimate (a
/// labelled reference), the default row cap — once through <see cref="IPredictionStore.SearchAsync"/>
/// (every row as strings) and once through the store's <see cref="IPredictionWindowReader"/> (the
/// stored UTF-8). CPU time per call / 350,000 = CPU per logged row.
/// </summary>
[MemoryDiagnoser]
public class StoredWindowBenchmarks : IDisposable
{
    /// <summary>The window's requests: 350,000 (a stress-bench window), or <c>KEEL_BENCH_STORED_ROWS</c> (at most the 1,000,000 generated).</summary>
    public static readonly int Rows = int.TryParse(Environment.GetEnvironmentVariable("KEEL_BENCH_STORED_ROWS"), out var rows) ? Math.Clamp(rows, 1_000, 1_000_000) : 350_000;
    private readonly MonitoringPassBenchmarks _data = new();
    private string _folder = string.Empty;
    private SqliteTrackingStore? _database;
    private SqlitePredictionStore _log = null!;
    private MonitoredVersion _version = null!;
    private CbpeEstimator _cbpe = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data.Setup();
        _folder = Directory.CreateTempSubdirectory("keel-stored-window-").FullName;
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        _log = new SqlitePredictionStore(_database.Database);
        var records = _data.Records;
        for (var start = 0; start < Rows; start += 10_000)
        {
            _log.AppendAsync(records[start..Math.Min(Rows, start + 10_000)]).GetAwaiter().GetResult();
        }

        var random = new Random(4);
        for (var i = 0; i < Rows; i += 20)
        {
            var label = random.NextDouble() < Probability(records[i]) ? "bad" : "good";
            _log.AddFeedbackAsync(PredictionFeedback.ForRows(records[i].RequestId, JsonSerializer.SerializeToElement(new[] { label }), Rows + i)).GetAwaiter().GetResult();
        }

        // A labelled reference (CBPE calibrates on it) and a validation AUC: the estimate is made, as in the server.
        var reference = _data.Version.Reference!;
        var p = reference.Predictions!.Columns[1].Numbers!;
        var vectors = p.Select(v => new[] { 1 - v, v }).ToList();
        var truth = p.Select(v => random.NextDouble() < v ? "bad" : "good").ToList();
        var metadata = _data.Version.Metadata with { ValidationMetrics = new Dictionary<string, double> { ["roc_auc"] = 0.8 } };
        _version = _data.Version with { Metadata = metadata, Reference = reference with { Labelled = new LabelledReference(["good", "bad"], vectors, truth) } };
        _cbpe = new CbpeEstimator();
    }

    [Benchmark(Baseline = true)]
    public MonitorWindowsResult Window_350k_through_SearchAsync() => Compute(new SearchOnly(_log));

    [Benchmark]
    public MonitorWindowsResult Window_350k_through_window_reader() => Compute(_log);

    [Benchmark]
    public MonitoringPassResult Pass_350k_every_row_through_SearchAsync() => Pass(new SearchOnly(_log));

    [Benchmark]
    public MonitoringPassResult Pass_350k_every_row_through_window_reader() => Pass(_log);

    public void Dispose()
    {
        _database?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_folder.Length > 0)
        {
            Directory.Delete(_folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    private MonitorWindowsResult Compute(IPredictionStore store)
    {
        var result = MonitorWindows.ComputeAsync(store, new MonitorWindowRequest("bench", 0, Rows, 100, 0), (_, _) => Task.FromResult<MonitoredVersion?>(_version), _cbpe).GetAwaiter().GetResult();
        if (result.Windows is not [{ Performance.Estimated: not null, Performance.LabelledRows: > 0 }])
        {
            throw new InvalidOperationException("The window has no estimate or no labels: " + string.Join(" ", result.Problems));
        }

        return result;
    }

    /// <summary>The pass alone (parse, drift and quality on every row: MaxDriftRows 0) on one core, as the scheduler runs it.</summary>
    private MonitoringPassResult Pass(IPredictionStore store) =>
        MonitoringPass.RunAsync(store, new PredictionQuery("bench", 0, Rows), _version, new MonitoringPassOptions { MaxDriftRows = 0, ParseWorkers = 1 }).GetAwaiter().GetResult();

    private static double Probability(PredictionLogRecord record)
    {
        using var outputs = JsonDocument.Parse(record.OutputsJson);
        return outputs.RootElement[0].GetProperty("probability").GetDouble();
    }

    /// <summary>The SQLite store seen only through <see cref="IPredictionStore"/> (the read before the window reader).</summary>
    private sealed class SearchOnly(IPredictionStore store) : IPredictionStore
    {
        public Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default) => store.SearchAsync(query, cancellationToken);

        public Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default) => store.AppendAsync(records, cancellationToken);

        public Task AppendAsync(IReadOnlyList<PredictionLogEntry> entries, CancellationToken cancellationToken = default) => store.AppendAsync(entries, cancellationToken);

        public Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default) => store.PruneAsync(retention, nowMs, cancellationToken);

        public Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default) => store.AddFeedbackAsync(feedback, cancellationToken);

        public Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default) => store.CountErrorsAsync(query, cancellationToken);

        public Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default) => store.FindRequestSourcesAsync(requestId, cancellationToken);
    }
}
