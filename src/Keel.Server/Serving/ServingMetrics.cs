using System.Diagnostics;
using System.Runtime.CompilerServices;
using Prometheus;

namespace Keel.Server.Serving;

/// <summary>
/// The Prometheus metrics of model serving, in a <see cref="CollectorRegistry"/> of this app's own
/// (never the static default, so several servers in one process do not share counts) and served
/// at <c>GET /metrics</c> in the Prometheus text format.
/// </summary>
/// <remarks>
/// Per request the cost is a lock-free lookup of the model's cached series (a
/// <see cref="ConditionalWeakTable{TKey, TValue}"/> keyed by the <see cref="ServedModel"/>
/// generation) and a few interlocked additions: label values are never looked up per request.
/// Everything that is a state rather than an event (models served, pool sizes, prediction-log
/// queue) is read by callbacks when Prometheus scrapes, so other components only hand over a
/// <see cref="Func{TResult}"/>; see <see cref="ObserveGauge"/>, <see cref="ObserveCounter"/>,
/// <see cref="ObserveModelGauge"/>, <see cref="ObserveEnginePoolSize"/> and
/// <see cref="ObservePredictionLog"/>. docs/serving.md lists every series.
/// </remarks>
public sealed partial class ServingMetrics
{
    /// <summary>Latency buckets in seconds: 100 µs to 10 s, about three per decade.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Model load buckets in seconds: 10 ms to 5 minutes.</summary>
    private static readonly double[] LoadBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private static readonly string[] ModelVersionLabels = ["model", "version"];

    private readonly ServedModelRegistry _models;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<ServedModel, ModelSeries> _series = new();
    private readonly ConditionalWeakTable<ServedModel, ModelSeries>.CreateValueCallback _createSeries;
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Counter _rows;
    private readonly Histogram _latency;
    private readonly Counter _loads;
    private readonly Counter _loadFailures;
    private readonly Histogram _loadDuration;

    /// <summary>Creates the serving metrics of one app over its served models.</summary>
    /// <param name="models">The app's served models (for the models-served gauges and per-model callbacks).</param>
    /// <param name="logger">Where failing scrape callbacks are reported; null for none.</param>
    /// <param name="processMetrics">Whether to add prometheus-net's process and .NET runtime series (CPU, memory, GC, threads). <value>Default: true.</value></param>
    public ServingMetrics(ServedModelRegistry models, ILogger<ServingMetrics>? logger = null, bool processMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = models;
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _createSeries = model => new ModelSeries(this, model);
        Registry = Metrics.NewCustomRegistry();
        if (processMetrics)
        {
            DotNetStats.Register(Registry);
        }

        Factory = Metrics.WithCustomRegistry(Registry);
        Factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();

        _requests = Factory.CreateCounter("keel_serving_requests_total", "Scoring requests (MLflow invocations and Open Inference infer) per served model and version, successful or not.", ModelVersionLabels);
        _errors = Factory.CreateCounter("keel_serving_request_errors_total", "Scoring requests answered with an error, by kind (client_error for 4xx, server_error for 5xx) and HTTP status code.", ["model", "version", "kind", "code"]);
        _rows = Factory.CreateCounter("keel_serving_rows_scored_total", "Rows scored by successful requests.", ModelVersionLabels);
        _latency = Factory.CreateHistogram(
            "keel_serving_request_duration_seconds",
            "Time to answer a scoring request in the handler (read and parse the body, score), successful or not.",
            ModelVersionLabels,
            new HistogramConfiguration { Buckets = [.. LatencyBuckets] });
        _loads = Factory.CreateCounter("keel_serving_model_loads_total", "Models loaded (downloaded, loaded and warmed up) for serving, by served name.", ["model"]);
        _loadFailures = Factory.CreateCounter("keel_serving_model_load_failures_total", "Model loads for serving that failed, by served name.", ["model"]);
        _loadDuration = Factory.CreateHistogram(
            "keel_serving_model_load_duration_seconds",
            "Time to load a model for serving (resolve, download, load, warm up), successful or not.",
            ["model"],
            new HistogramConfiguration { Buckets = LoadBuckets });

        var served = Factory.CreateGauge("keel_serving_models_served", "Models being served.");
        var ready = Factory.CreateGauge("keel_serving_models_ready", "Served models that are warmed up and answer requests.");
        Registry.AddBeforeCollectCallback(() => Guard("keel_serving_models", () =>
        {
            var all = _models.All;
            served.Set(all.Count);
            ready.Set(all.Count(m => m.Ready));
        }));
    }

    /// <summary>This app's registry: what <c>/metrics</c> exposes.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Creates further metrics in <see cref="Registry"/> (no exemplars).</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Starts timing one scoring request for <paramref name="model"/>; finish it with <see cref="ServingRequestTimer.Done"/> or <see cref="ServingRequestTimer.Failed"/>.</summary>
    /// <param name="model">The model that answers the request.</param>
    /// <param name="requestAborted">The request's abort token, to tell a client that went away from a server error.</param>
    public ServingRequestTimer Start(ServedModel model, CancellationToken requestAborted = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ServingRequestTimer(_series.GetValue(model, _createSeries), Stopwatch.GetTimestamp(), requestAborted);
    }

    /// <summary>
    /// Starts timing a request with the app's <see cref="ServingMetrics"/> from
    /// <paramref name="context"/>'s services; a no-op timer when the app has none.
    /// </summary>
    public static ServingRequestTimer Start(HttpContext context, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetService(typeof(ServingMetrics)) is ServingMetrics metrics
            ? metrics.Start(model, context.RequestAborted)
            : default;
    }

    /// <summary>Counts a successful model load for <paramref name="name"/> (wired to <see cref="ServedModelRegistry.LoadObserved"/> by <c>MapServingMetrics</c>).</summary>
    public void ModelLoaded(string name, TimeSpan? duration = null)
    {
        _loads.WithLabels(name).Inc();
        if (duration is { } d)
        {
            _loadDuration.WithLabels(name).Observe(d.TotalSeconds);
        }
    }

    /// <summary>Counts a failed model load for <paramref name="name"/>.</summary>
    public void ModelLoadFailed(string name, TimeSpan? duration = null)
    {
        _loadFailures.WithLabels(name).Inc();
        if (duration is { } d)
        {
            _loadDuration.WithLabels(name).Observe(d.TotalSeconds);
        }
    }

    /// <summary>The cached series of one served model generation (children looked up once, on its first request).</summary>
    internal sealed class ModelSeries
    {
        private readonly Counter _errorsMetric;
        private readonly string[] _labels;
        private readonly Counter.Child _requests;
        private readonly Counter.Child _rows;
        private readonly Histogram.Child _latency;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Counter.Child> _errors = new();

        public ModelSeries(ServingMetrics metrics, ServedModel model)
        {
            _labels = [model.Name, model.Version];
            _errorsMetric = metrics._errors;
            _requests = metrics._requests.WithLabels(_labels);
            _rows = metrics._rows.WithLabels(_labels);
            _latency = metrics._latency.WithLabels(_labels);
        }

        /// <summary>Records one answered request: its HTTP status, rows scored (successes only) and time.</summary>
        public void Record(int status, int rows, double seconds)
        {
            _requests.Inc();
            _latency.Observe(seconds);
            if (status >= 400)
            {
                Error(status).Inc();
            }
            else if (rows > 0)
            {
                _rows.Inc(rows);
            }
        }

        private Counter.Child Error(int status) =>
            _errors.TryGetValue(status, out var child)
                ? child
                : _errors.GetOrAdd(status, _errorsMetric.WithLabels(_labels[0], _labels[1], status < 500 ? "client_error" : "server_error", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
