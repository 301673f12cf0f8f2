namespace Keel.Monitoring.Performance;

/// <summary>Metrics and prediction statistics of one time window.</summary>
/// <param name="Start">Inclusive start.</param>
/// <param name="End">Exclusive end.</param>
/// <param name="Predictions">Statistics of the predictions in the window.</param>
/// <param name="LabelledCount">Records with a label.</param>
/// <param name="Metrics">Performance metrics over the labelled records (empty when none).</param>
public sealed record PerformanceWindow(DateTimeOffset Start, DateTimeOffset End, PredictionStatistics Predictions, long LabelledCount, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Mean, std (population), min and max of one metric over windows.</summary>
public sealed record MetricSummary(double Mean, double Std, double Min, double Max);

/// <summary>The specification's <c>get_monitoring_summary</c>.</summary>
/// <param name="Status">"ok", "no_monitoring_data" or "no_data_in_time_window".</param>
/// <param name="Start">First window start in the period.</param>
/// <param name="End">Last window end in the period.</param>
/// <param name="TotalWindows">Windows in the period.</param>
/// <param name="TotalPredictions">Predictions in the period.</param>
/// <param name="AveragePerWindow">Predictions per window.</param>
/// <param name="Performance">Per-metric summary over the windows that had labels.</param>
public sealed record MonitoringSummary(string Status, DateTimeOffset? Start, DateTimeOffset? End, int TotalWindows, long TotalPredictions,
    double AveragePerWindow, IReadOnlyDictionary<string, MetricSummary> Performance);

/// <summary>
/// Performance monitoring (the specification's ModelMonitor): collects (timestamp, prediction,
/// label) records, cuts them into fixed time windows and computes prediction statistics and
/// classification or regression metrics per window, plus a summary over a recent time span.
/// Time comes from the injected <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
public sealed class ModelMonitor
{
    private readonly List<PredictionRecord> _records = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    /// <summary>Creates a monitor.</summary>
    /// <param name="task">Classification or regression.</param>
    /// <param name="window">Window length, e.g. one hour.</param>
    /// <param name="timeProvider">Clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="positiveClass">Classification: the class whose score is logged.</param>
    public ModelMonitor(ModelTask task, TimeSpan window, TimeProvider? timeProvider = null, double positiveClass = 1.0)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), "The window must be positive.");
        }

        Task = task;
        Window = window;
        PositiveClass = positiveClass;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Classification or regression.</summary>
    public ModelTask Task { get; }

    /// <summary>Window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Classification: class whose score is logged.</summary>
    public double PositiveClass { get; }

    /// <summary>Adds one record.</summary>
    public void Record(PredictionRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }

    /// <summary>Adds a batch of predictions with optional labels and scores, stamped now unless a timestamp is given.</summary>
    /// <exception cref="ArgumentException">Labels or scores do not have one entry per prediction.</exception>
    public void Record(ReadOnlySpan<double> predictions, ReadOnlySpan<double> labels = default, ReadOnlySpan<double> scores = default, DateTimeOffset? timestamp = null)
    {
        if ((!labels.IsEmpty && labels.Length != predictions.Length) || (!scores.IsEmpty && scores.Length != predictions.Length))
        {
            throw new ArgumentException($"Predictions and labels/scores have different lengths ({predictions.Length}, {labels.Length}, {scores.Length}).");
        }

        var ts = timestamp ?? _time.GetUtcNow();
        lock (_gate)
        {
            for (int i = 0; i < predictions.Length; i++)
            {
                _records.Add(new PredictionRecord(ts, predictions[i], labels.IsEmpty ? null : labels[i], scores.IsEmpty ? null : scores[i]));
            }
        }
    }

    /// <summary>Windows of length <see cref="Window"/> aligned on multiples of it since the Unix epoch; empty windows are left out.</summary>
    /// <param name="from">Only records at or after this time.</param>
    public IReadOnlyList<PerformanceWindow> Windows(DateTimeOffset? from = null)
    {
        PredictionRecord[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _records];
        }

        return Compute(snapshot.Where(r => from is null || r.Timestamp >= from), Task, Window, PositiveClass);
    }

    /// <summary>The specification's get_monitoring_summary over the last <paramref name="timeWindow"/> (all data when null).</summary>
    public MonitoringSummary GetMonitoringSummary(TimeSpan? timeWindow = null)
    {
        bool any;
        lock (_gate)
        {
            any = _records.Count > 0;
        }

        if (!any)
        {
            return new MonitoringSummary("no_monitoring_data", null, null, 0, 0, 0, new Dictionary<string, MetricSummary>());
        }

        var windows = Windows(timeWindow is null ? null : _time.GetUtcNow() - timeWindow.Value);
        if (windows.Count == 0)
        {
            return new MonitoringSummary("no_data_in_time_window", null, null, 0, 0, 0, new Dictionary<string, MetricSummary>());
        }

        long total = windows.Sum(w => w.Predictions.Count);
        var perf = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var name in windows.SelectMany(w => w.Metrics.Keys).Distinct(StringComparer.Ordinal))
        {
            var values = windows.Where(w => w.Metrics.ContainsKey(name)).Select(w => w.Metrics[name]).ToArray();
            double mean = values.Average();
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
            perf[name] = new MetricSummary(mean, std, values.Min(), values.Max());
        }

        return new MonitoringSummary("ok", windows[0].Start, windows[^1].End, windows.Count, total, total / (double)windows.Count, perf);
    }

    /// <summary>Cuts records into windows and computes their statistics and metrics.</summary>
    public static IReadOnlyList<PerformanceWindow> Compute(IEnumerable<PredictionRecord> records, ModelTask task, TimeSpan window, double positiveClass = 1.0)
    {
        long ticks = window.Ticks;
        return records
            .GroupBy(r => Math.DivRem(r.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, ticks, out long rem) - (rem < 0 ? 1 : 0))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var items = g.ToList();
                var start = DateTimeOffset.UnixEpoch.AddTicks(g.Key * ticks);
                var stats = PredictionStatistics.Of(items.Select(r => r.Prediction).ToArray());
                var metrics = task == ModelTask.Classification ? Metrics.Classification(items, positiveClass) : Metrics.Regression(items);
                return new PerformanceWindow(start, start + window, stats, items.Count(r => r.Label is not null), metrics);
            })
            .ToList();
    }
}
