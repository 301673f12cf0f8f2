using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Keel.Core.Deployments;

namespace Keel.Monitoring.Deployments;

/// <summary>
/// The analysis windows: per deployment and arm, a bounded ring of the latest requests (time,
/// latency, failed), of their predictions (a score, and a label for classifiers, parsed from the
/// outputs) and of a sample of their input rows. Routing calls <see cref="Observe"/> on the
/// request path once per arm answer: it copies what it keeps, takes a short lock per arm, never
/// throws, and costs O(rows kept) (docs/benchmarks.md).
/// </summary>
public sealed partial class DeploymentWindows : IDeploymentObserver
{
    private readonly ConcurrentDictionary<(string Deployment, string Arm), ArmWindow> _arms = new();
    private readonly DeploymentWindowOptions _options;
    private readonly LabelTable _labels = new();
    private long _dropped;

    /// <summary>Creates the windows.</summary>
    /// <param name="options">The bounds; defaults when null.</param>
    public DeploymentWindows(DeploymentWindowOptions? options = null)
    {
        _options = options ?? new DeploymentWindowOptions();
        _options.Validate();
    }

    /// <summary>Observations not kept: malformed outputs or inputs (the request itself is still counted), or arms past <see cref="DeploymentWindowOptions.MaxArms"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public void Observe(in DeploymentObservation observation)
    {
        try
        {
            var window = Window(observation.Deployment, observation.Arm, create: true);
            if (window is null)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            var request = new WindowRequest(observation.TimestampMs, observation.LatencyMicroseconds, observation.Failed, observation.RowCount, observation.Version);
            int maxPredictions = observation.Failed ? 0 : Math.Min(Math.Max(observation.RowCount, 1), _options.PredictionsPerRequest);
            var predictions = ArrayPool<PredictionEntry>.Shared.Rent(maxPredictions);
            try
            {
                int kept = 0;
                bool malformed = false;
                WindowInputRow[] rows = [];
                try
                {
                    if (maxPredictions > 0)
                    {
                        kept = ParseOutputs(observation.OutputsUtf8.Span, predictions.AsSpan(0, maxPredictions), observation.TimestampMs, observation.Version, out malformed);
                    }

                    if (_options.InputRowsPerRequest > 0 && !observation.InputsUtf8.IsEmpty)
                    {
                        rows = SampleRows(observation, _options.InputRowsPerRequest, ref malformed);
                    }
                }
                catch (JsonException)
                {
                    // Malformed JSON: the request still counts (time, latency, failed); what parsed before the error is kept.
                    malformed = true;
                }
                window.Add(request, predictions.AsSpan(0, kept), rows);
                if (malformed)
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
            finally
            {
                predictions.AsSpan(0, maxPredictions).Clear();
                ArrayPool<PredictionEntry>.Shared.Return(predictions);
            }
        }
#pragma warning disable CA1031 // an observer never throws into the request path
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>What the window of <paramref name="deployment"/>'s <paramref name="arm"/> holds in [<paramref name="sinceMs"/>, <paramref name="toMs"/>), of <paramref name="version"/> when given.</summary>
    public ArmWindowSnapshot Snapshot(string deployment, string arm, long sinceMs, long toMs = long.MaxValue, string? version = null) =>
        Window(deployment, arm, create: false)?.Snapshot(sinceMs, toMs, version, _labels) ?? ArmWindowSnapshot.Empty;

    /// <summary>Requests and errors of an arm since <paramref name="sinceMs"/>.</summary>
    public ArmCounts Count(string deployment, string arm, long sinceMs)
    {
        var (requests, errors) = Window(deployment, arm, create: false)?.Count(sinceMs) ?? (0, 0);
        return new ArmCounts(requests, errors);
    }

    /// <summary>Whether any observation of <paramref name="deployment"/> was seen by this process.</summary>
    public bool HasSeen(string deployment)
    {
        foreach (var key in _arms.Keys)
        {
            if (string.Equals(key.Deployment, deployment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private ArmWindow? Window(string deployment, string arm, bool create)
    {
        if (_arms.TryGetValue((deployment, arm), out var window))
        {
            return window;
        }

        if (!create || _arms.Count >= _options.MaxArms)
        {
            return null;
        }

        return _arms.GetOrAdd((deployment, arm), static (_, options) => new ArmWindow(options), _options);
    }
}
