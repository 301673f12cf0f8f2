using Prometheus;

namespace Keel.Server.Serving;

// Collect-time callbacks: states (gauges) and counts kept by other components (counters) are read
// when Prometheus scrapes, so wiring a component is one line and costs its hot path nothing.
public sealed partial class ServingMetrics
{
    /// <summary>Name of the per-model engine pool gauge (<see cref="ObserveEnginePoolSize"/>).</summary>
    public const string EnginePoolSizeName = "keel_serving_engine_pool_size";

    /// <summary>
    /// Exposes <paramref name="value"/> as the gauge <paramref name="name"/>, read at each scrape.
    /// A callback that throws is logged and leaves the previous value; it never fails the scrape.
    /// </summary>
    public void ObserveGauge(string name, string help, Func<double> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var gauge = Factory.CreateGauge(name, help);
        Registry.AddBeforeCollectCallback(() => Guard(name, () => gauge.Set(value())));
    }

    /// <summary>
    /// Exposes a running total kept elsewhere (e.g. an <c>Interlocked</c> counter) as the counter
    /// <paramref name="name"/> (which must end in <c>_total</c>), read at each scrape. A total
    /// that goes down (a restarted component) is ignored until it passes the exposed value again.
    /// </summary>
    public void ObserveCounter(string name, string help, Func<double> total)
    {
        ArgumentNullException.ThrowIfNull(total);
        var counter = Factory.CreateCounter(name, help);
        Registry.AddBeforeCollectCallback(() => Guard(name, () => counter.IncTo(total())));
    }

    /// <summary>
    /// Exposes one gauge series per served model, labelled <c>model</c> and <c>version</c>, with
    /// the value <paramref name="value"/> gives for the model's current generation, read at each
    /// scrape; series of models no longer served disappear.
    /// </summary>
    public void ObserveModelGauge(string name, string help, Func<ServedModel, double> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var gauge = Factory.CreateGauge(name, help, ModelVersionLabels);
        Registry.AddBeforeCollectCallback(() => Guard(name, () => SetPerModel(gauge, value)));
    }

    /// <summary>
    /// <c>keel_serving_engine_pool_size{model,version}</c>: the prediction engines pooled for each
    /// served model, e.g. <c>metrics.ObserveEnginePoolSize(m =&gt; m.Pool.Count)</c>.
    /// </summary>
    public void ObserveEnginePoolSize(Func<ServedModel, double> size) =>
        ObserveModelGauge(EnginePoolSizeName, "Prediction engines pooled for the served model.", size);

    /// <summary>
    /// The prediction log's series, each read at scrape time from the log's own counters:
    /// <c>keel_serving_prediction_log_writes_total</c> (records written),
    /// <c>keel_serving_prediction_log_drops_total{reason}</c> (requests not logged, by
    /// <see cref="PredictionLogDropReason"/>: <c>queue_full</c>, <c>queue_bytes</c>, <c>stopped</c>),
    /// <c>keel_serving_prediction_log_queue_length</c> (requests waiting to be written) and
    /// <c>keel_serving_prediction_log_queue_bytes</c> (bytes they hold).
    /// </summary>
    public void ObservePredictionLog(Func<long> writes, Func<PredictionLogDropReason, long> drops, Func<long> queueLength, Func<long> queueBytes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(drops);
        ArgumentNullException.ThrowIfNull(queueLength);
        ArgumentNullException.ThrowIfNull(queueBytes);
        ObserveCounter("keel_serving_prediction_log_writes_total", "Prediction log records written.", () => writes());
        var dropped = Factory.CreateCounter(
            "keel_serving_prediction_log_drops_total",
            "Requests not written to the prediction log, by reason: queue_full (the buffer held its most requests), queue_bytes (it held its most bytes), stopped (the server was stopping).",
            ["reason"]);
        (PredictionLogDropReason Reason, Counter.Child Series)[] reasons =
        [
            (PredictionLogDropReason.QueueFull, dropped.WithLabels("queue_full")),
            (PredictionLogDropReason.QueueBytes, dropped.WithLabels("queue_bytes")),
            (PredictionLogDropReason.Stopped, dropped.WithLabels("stopped")),
        ];
        Registry.AddBeforeCollectCallback(() => Guard("keel_serving_prediction_log_drops_total", () =>
        {
            foreach (var (reason, series) in reasons)
            {
                series.IncTo(drops(reason));
            }
        }));
        ObserveGauge("keel_serving_prediction_log_queue_length", "Prediction log requests waiting to be written.", () => queueLength());
        ObserveGauge("keel_serving_prediction_log_queue_bytes", "Bytes held by the prediction log requests waiting to be written.", () => queueBytes());
    }

    private void SetPerModel(Gauge gauge, Func<ServedModel, double> value)
    {
        var live = new HashSet<(string, string)>();
        foreach (var model in _models.All)
        {
            gauge.WithLabels(model.Name, model.Version).Set(value(model));
            live.Add((model.Name, model.Version));
        }

        foreach (var labels in gauge.GetAllLabelValues().ToList())
        {
            if (!live.Contains((labels[0], labels[1])))
            {
                gauge.RemoveLabelled(labels);
            }
        }
    }

    /// <summary>Monitoring never throws into its host: a failing callback is logged and the scrape goes on.</summary>
    private void Guard(string metric, Action update)
    {
        try
        {
            update();
        }
        catch (Exception e)
        {
            LogCallbackFailed(_logger, e, metric);
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Reading the value of metric {Metric} failed; it keeps its previous value")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception, string metric);
}
