namespace Keel.Monitoring.Deployments;

/// <summary>
/// One deployment arm's recent traffic: three rings (requests, predictions, sampled input rows)
/// and per-second counters. Writers hold the lock only to store entries already built outside
/// it; readers copy under the lock.
/// </summary>
internal sealed class ArmWindow
{
    /// <summary>Per-second counters kept (about 68 minutes).</summary>
    private const int CounterSeconds = 4096;

    private readonly Lock _gate = new();
    private readonly WindowRequest[] _requests;
    private readonly PredictionEntry[] _predictions;
    private readonly WindowInputRow?[] _inputs;
    private readonly Counter[] _counters = new Counter[CounterSeconds];
    private long _requestCount, _predictionCount, _inputCount, _totalRequests, _totalErrors;

    public ArmWindow(DeploymentWindowOptions options)
    {
        _requests = new WindowRequest[options.Requests];
        _predictions = new PredictionEntry[options.Predictions];
        _inputs = new WindowInputRow?[options.InputRows];
    }

    /// <summary>Stores one request with its predictions and sampled rows.</summary>
    public void Add(in WindowRequest request, ReadOnlySpan<PredictionEntry> predictions, ReadOnlySpan<WindowInputRow> inputs)
    {
        long second = request.TimestampMs / 1000;
        lock (_gate)
        {
            _requests[_requestCount++ % _requests.Length] = request;
            _totalRequests++;
            if (request.Failed)
            {
                _totalErrors++;
            }

            ref var counter = ref _counters[second % CounterSeconds];
            if (counter.Second != second)
            {
                counter = new Counter(second, 0, 0);
            }

            counter.Requests++;
            if (request.Failed)
            {
                counter.Errors++;
            }

            foreach (var p in predictions)
            {
                _predictions[_predictionCount++ % _predictions.Length] = p;
            }

            foreach (var row in inputs)
            {
                _inputs[_inputCount++ % _inputs.Length] = row;
            }
        }
    }

    /// <summary>Copies what the window holds in [<paramref name="sinceMs"/>, <paramref name="toMs"/>), of <paramref name="version"/> when given.</summary>
    public ArmWindowSnapshot Snapshot(long sinceMs, long toMs, string? version, LabelTable labels)
    {
        var requests = new List<WindowRequest>();
        var predictions = new List<WindowPrediction>();
        var inputs = new List<WindowInputRow>();
        bool truncated;
        lock (_gate)
        {
            truncated = Scan(_requests, _requestCount, sinceMs, toMs, version, requests, static r => r.TimestampMs, static r => r.Version, static r => r);
            truncated |= Scan(_predictions, _predictionCount, sinceMs, toMs, version, predictions, static p => p.TimestampMs, static p => p.Version, p => new WindowPrediction(p.TimestampMs, p.Version, p.Score, labels.Name(p.Label)));
            truncated |= Scan(_inputs, _inputCount, sinceMs, toMs, version, inputs, static r => r!.TimestampMs, static r => r!.Version, static r => r!);
        }

        return new ArmWindowSnapshot(requests, predictions, inputs, truncated);
    }

    /// <summary>Requests and errors since <paramref name="sinceMs"/>: exact while the ring covers the range, else from the per-second counters (whole seconds, at most about 68 minutes back).</summary>
    public (long Requests, long Errors) Count(long sinceMs)
    {
        lock (_gate)
        {
            long kept = Math.Min(_requestCount, _requests.Length);
            long oldest = kept == 0 ? long.MaxValue : _requests[(_requestCount - kept) % _requests.Length].TimestampMs;
            if (_requestCount <= _requests.Length || oldest <= sinceMs)
            {
                long n = 0, e = 0;
                for (long i = _requestCount - kept; i < _requestCount; i++)
                {
                    ref readonly var r = ref _requests[i % _requests.Length];
                    if (r.TimestampMs >= sinceMs)
                    {
                        n++;
                        e += r.Failed ? 1 : 0;
                    }
                }

                return (n, e);
            }

            long since = sinceMs / 1000, requests = 0, errors = 0;
            foreach (var c in _counters)
            {
                if (c.Second >= since)
                {
                    requests += c.Requests;
                    errors += c.Errors;
                }
            }

            return (requests, errors);
        }
    }

    private static bool Scan<TEntry, TOut>(TEntry[] ring, long count, long sinceMs, long toMs, string? version, List<TOut> into,
        Func<TEntry, long> time, Func<TEntry, string> versionOf, Func<TEntry, TOut> map)
    {
        long kept = Math.Min(count, ring.Length);
        bool truncated = count > ring.Length && kept > 0 && time(ring[(count - kept) % ring.Length]) > sinceMs;
        for (long i = count - kept; i < count; i++)
        {
            var entry = ring[i % ring.Length];
            long t = time(entry);
            if (t >= sinceMs && t < toMs && (version is null || string.Equals(versionOf(entry), version, StringComparison.Ordinal)))
            {
                into.Add(map(entry));
            }
        }

        return truncated;
    }

    private struct Counter(long second, long requests, long errors)
    {
        public long Second = second;
        public long Requests = requests;
        public long Errors = errors;
    }
}

/// <summary>A prediction as the ring keeps it: the label as an id in the <see cref="LabelTable"/>.</summary>
internal readonly record struct PredictionEntry(long TimestampMs, string Version, double Score, int Label);
