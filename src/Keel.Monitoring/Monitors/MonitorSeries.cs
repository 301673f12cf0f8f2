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

    public MonitorSeries(MonitorSeriesKey key, MonitoredVersion? version)
    {
        Key = key;
        Version = version;
        Builder = version is null ? null : new PredictionWindowBuilder(version.Metadata.Signature);
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

    /// <summary>The latencies, sorted (microseconds).</summary>
    public double[] SortedLatencies()
    {
        var values = _latencies.ToArray();
        Array.Sort(values);
        return values;
    }
}
