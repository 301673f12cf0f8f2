using BenchmarkDotNet.Attributes;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Benchmarks;

/// <summary>
/// What the server's monitor runner computes for one window: <see cref="MonitorWindows.ComputeAsync"/>
/// over the same 1,000,000 logged predictions × 20 features as <see cref="MonitoringPassBenchmarks"/>
/// (one series; one request in ten labelled), read page by page (10,000 a page) from memory, so the
/// figure is the computation's (series split, latency quantiles, the pass, performance from labels),
/// not the store's reading.
/// </summary>
[MemoryDiagnoser]
public class MonitorWindowsBenchmarks
{
    private readonly MonitoringPassBenchmarks _data = new();
    private LoggedPrediction[] _logged = [];

    [GlobalSetup]
    public void Setup()
    {
        _data.Setup();
        _logged = _data.Records.Select((r, i) => new LoggedPrediction(r, i % 10 == 0 ? (i % 20 == 0 ? "[\"bad\"]" : "[\"good\"]") : null, i % 10 == 0 ? i : null)).ToArray();
    }

    [Benchmark]
    public MonitorWindowsResult Windows_1M_predictions_x_20_features() =>
        MonitorWindows.ComputeAsync(
            new Pages(_logged),
            new MonitorWindowRequest("bench", 0, MonitoringPassBenchmarks.Rows, 100, 0),
            (_, _) => Task.FromResult<Reference.MonitoredVersion?>(_data.Version)).GetAwaiter().GetResult();

    /// <summary>Pages of logged predictions held in memory (the read side only).</summary>
    private sealed class Pages(LoggedPrediction[] logged) : IPredictionStore
    {
        public Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default)
        {
            var start = query.PageToken is null ? 0 : int.Parse(query.PageToken, System.Globalization.CultureInfo.InvariantCulture);
            var end = Math.Min(logged.Length, start + query.MaxResults);
            return Task.FromResult(new PagedResult<LoggedPrediction>(logged[start..end], end < logged.Length ? end.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        }

        public Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task AppendAsync(IReadOnlyList<PredictionLogEntry> entries, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
