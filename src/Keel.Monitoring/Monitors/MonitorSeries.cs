using System.Text.Json;
using Keel.Core.Predictions;
using Keel.Monitoring.Deployments;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Monitors;

/// <summary>One series of a model's prediction log: the requests one version answered, outside a deployment or in one arm of one.</summary>
/// <param name="Version">The version that answered.</param>
/// <param name="Deployment">The deployment; null for requests served directly.</param>
/// <param name="Arm">The arm; null outside a deployment.</param>
public readonly record struct MonitorSeriesKey(string Version, string? Deployment, string? Arm)
{
    /// <summary>The key of a logged request.</summary>
    public static MonitorSeriesKey Of(PredictionLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.ModelVersion, record.Deployment, record.Arm);
    }

    /// <summary>The key of a request read as UTF-8.</summary>
    public static MonitorSeriesKey Of(in PredictionWindowRow row) => new(row.ModelVersion, row.Deployment, row.Arm);
}

/// <summary>
/// What one window of one series collects while the log is read once: the columns for the drift
/// and quality pass (<see cref="PredictionWindowBuilder"/>), the labelled rows for performance
/// (<see cref="FeedbackRows"/>: the one output/label join) and each request's latency.
/// </summary>
internal sealed class MonitorSeries
{
    private readonly NumberBuffer _latencies = new();

    /// <param name="key">The series.</param>
    /// <param name="version">The version's signature, reference and profile; null when it could not be read.</param>
    /// <param name="sampleRows">Input rows kept for drift and quality (0: every row): above it only a sample's inputs are parsed.</param>
    /// <param name="seed">The seed of that sample (the window's, <see cref="RowSample.Seed"/>).</param>
    public MonitorSeries(MonitorSeriesKey key, MonitoredVersion? version, int sampleRows = 0, ulong seed = 0)
    {
        Key = key;
        Version = version;
        Builder = version is null ? null : new PredictionWindowBuilder(version.Metadata.Signature);
        if (sampleRows > 0)
        {
            Builder?.SampleInputs(sampleRows, seed);
        }
    }

    public MonitorSeriesKey Key { get; }

    /// <summary>The version's signature, reference and profile; null when it could not be read (then: traffic, latency and labels only).</summary>
    public MonitoredVersion? Version { get; }

    public PredictionWindowBuilder? Builder { get; }

    public FeedbackRows Feedback { get; } = new();

    public long Requests { get; private set; }

    /// <summary>Labelled requests whose logged JSON could not be joined with their labels.</summary>
    public long MalformedFeedback { get; private set; }

    public void Add(LoggedPrediction item)
    {
        Requests++;
        _latencies.Add(item.Record.LatencyMicroseconds);
        Builder?.Add(item.Record);
        if (item.LabelsJson is null)
        {
            return;
        }

        try
        {
            Feedback.Add(item);
        }
        catch (JsonException)
        {
            MalformedFeedback++;
        }
    }

    /// <summary>Adds a request read as UTF-8 (<see cref="IPredictionWindowReader"/>): the same as <see cref="Add(LoggedPrediction)"/> without strings.</summary>
    public void Add(in PredictionWindowRow row)
    {
        Requests++;
        _latencies.Add(row.LatencyMicroseconds);
        Builder?.Add(row.InputsUtf8, row.OutputsUtf8, row.InputColumns);
        if (row.LabelsJson is null)
        {
            return;
        }

        try
        {
            Feedback.Add(row.OutputsUtf8, row.LabelsJson);
        }
        catch (JsonException)
        {
            MalformedFeedback++;
        }
    }

    /// <summary>
    /// numpy's linear p50 and p99 of the latencies (microseconds), null without requests: by
    /// selection, not a sort (the same numbers: <see cref="Statistics.Selection"/>).
    /// </summary>
    public (double P50, double P99)? LatencyQuantiles()
    {
        if (_latencies.Count == 0)
        {
            return null;
        }

        var values = _latencies.ToArray();
        double p99 = Statistics.Selection.Quantile(values, 0.99);
        double p50 = Statistics.Selection.Quantile(values, 0.5);
        return (p50, p99);
    }
}
