using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Reference;

namespace Keel.Server.Monitoring;

/// <summary>
/// Runs a model's monitor once: reads the window <c>[end − window_seconds, end)</c> of the
/// model's prediction log, computes one <see cref="MonitorWindow"/> per series (version,
/// deployment, arm) with <see cref="MonitorWindows"/>, stores them with
/// <see cref="IMonitoringStore.PutWindowsAsync"/>, then has the alert rules evaluated when an
/// <see cref="IAlertEvaluator"/> is registered. The label-free estimate comes from an
/// <see cref="IPerformanceEstimator"/> when one is registered. Both are optional, resolved from
/// the services, so the runner works alone.
/// </summary>
public sealed partial class MonitorRunner : IMonitorRunner
{
    private readonly IMonitoringStore _store;
    private readonly IPredictionStore _predictions;
    private readonly IRegistryStore _registry;
    private readonly ModelReferenceSource _references;
    private readonly IServiceProvider _services;
    private readonly MonitoringSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MonitorRunner> _logger;

    /// <summary>Creates the runner over the server's stores.</summary>
    public MonitorRunner(
        IMonitoringStore store,
        IPredictionStore predictions,
        IRegistryStore registry,
        ModelReferenceSource references,
        IServiceProvider services,
        MonitoringSchedulerOptions options,
        TimeProvider time,
        ILogger<MonitorRunner> logger)
    {
        _store = store;
        _predictions = predictions;
        _registry = registry;
        _references = references;
        _services = services;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<MonitorRunResult> RunAsync(string model, long? windowEndMs = null, CancellationToken cancellationToken = default)
    {
        model = MonitoringNames.Model(model);
        var end = windowEndMs ?? _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (end <= 0)
        {
            throw KeelException.InvalidParameter($"'window_end_ms' must be a positive Unix time in milliseconds, got {end}.");
        }

        var spec = (await _store.GetMonitorAsync(model, cancellationToken).ConfigureAwait(false))?.Spec;
        if (spec is null)
        {
            await EnsureKnownAsync(model, cancellationToken).ConfigureAwait(false);
            spec = MonitorSpecValidator.Default(model);
        }

        var request = new MonitorWindowRequest(model, end - (spec.WindowSeconds!.Value * 1000L), end, spec.MinRows!.Value, _time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            Pass = _options.PassOptions(),
        };
        var estimator = _services.GetService<IPerformanceEstimator>();
        var result = await MonitorWindows.ComputeAsync(_predictions, request, VersionAsync(model), estimator, cancellationToken).ConfigureAwait(false);
        if (result.Windows.Count == 0)
        {
            var silent = await SilentSeriesAsync(model, request.StartMs, cancellationToken).ConfigureAwait(false);
            if (silent.Count > 0)
            {
                result = await MonitorWindows.ComputeAsync(_predictions, request with { Silent = silent }, VersionAsync(model), estimator, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var problem in result.Problems)
        {
            MonitoringLog.WindowProblem(_logger, model, problem);
        }

        var windows = await WithErrorsAsync(request, result.Windows, cancellationToken).ConfigureAwait(false);
        if (windows.Count == 0)
        {
            return new MonitorRunResult([], []); // Nothing logged and nothing to miss: nothing is written.
        }

        var stored = await _store.PutWindowsAsync(windows, cancellationToken).ConfigureAwait(false);
        MonitoringLog.WindowsStored(_logger, model, stored.Count, request.StartMs, request.EndMs);
        return new MonitorRunResult(stored, await EvaluateAsync(spec, stored, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Has the alert rules evaluated on the stored windows when an evaluator is registered. Its
    /// failure is logged, not thrown: the windows are stored, and the next pass evaluates again.
    /// </summary>
    private async Task<IReadOnlyList<AlertEvent>> EvaluateAsync(MonitorSpec spec, IReadOnlyList<MonitorWindow> stored, CancellationToken cancellationToken)
    {
        if (_services.GetService<IAlertEvaluator>() is not { } evaluator)
        {
            return [];
        }

        try
        {
            return await evaluator.EvaluateAsync(spec, stored, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            MonitoringLog.EvaluationFailed(_logger, spec.Model!, e);
            return [];
        }
    }

    /// <summary>A model without a stored monitor is known when it is registered or something was logged for it.</summary>
    private async Task EnsureKnownAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            await _registry.GetRegisteredModelAsync(model, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            // Maybe served from a folder, not registered: its log makes it known.
        }

        // Throws RESOURCE_DOES_NOT_EXIST when nothing was ever logged for the model.
        await _predictions.SearchAsync(new PredictionQuery(model, MaxResults: 1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The series that had requests within <see cref="MonitoringSchedulerOptions.SilentSeriesFor"/>
    /// before the window: when the whole model went quiet they get a window of 0 requests.
    /// </summary>
    private async Task<IReadOnlyCollection<MonitorSeriesKey>> SilentSeriesAsync(string model, long startMs, CancellationToken cancellationToken)
    {
        var keys = new HashSet<MonitorSeriesKey>();
        if (_options.SilentSeriesFor <= TimeSpan.Zero)
        {
            return keys;
        }

        var query = new MonitorWindowQuery(model, FromMs: startMs - (long)_options.SilentSeriesFor.TotalMilliseconds, ToMs: startMs, MaxResults: MonitorWindowQuery.MaxPageSize);
        while (true)
        {
            var page = await _store.ListWindowsAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var window in page.Items)
            {
                if (window.Requests > 0)
                {
                    keys.Add(new MonitorSeriesKey(window.Version, window.Deployment, window.Arm));
                }
            }

            if (page.NextPageToken is not { } token)
            {
                return keys;
            }

            query = query with { PageToken = token };
        }
    }
}
