using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Core.Serving;

namespace Keel.Server.Monitoring;

// Which models are monitored, and the lease.
public sealed partial class MonitoringScheduler
{
    /// <summary>
    /// Reads the monitored models again: enabled stored monitors, and with the default spec every
    /// served model, deployment model and model this server logged for that has no stored monitor.
    /// A model seen for the first time is due one interval from now.
    /// </summary>
    private async Task RefreshAsync(long now, CancellationToken cancellationToken)
    {
        _refreshedAtMs = now;
        var specs = new Dictionary<string, MonitorSpec>(StringComparer.Ordinal);
        var withSpec = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await _store.ListMonitorsAsync(1000, token, cancellationToken).ConfigureAwait(false);
            foreach (var stored in page.Items)
            {
                withSpec.Add(stored.Spec.Model!);
                if (stored.Spec.Enabled != false)
                {
                    specs[stored.Spec.Model!] = stored.Spec;
                }
            }

            token = page.NextPageToken;
        }
        while (token is not null);

        foreach (var model in await TrafficModelsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!withSpec.Contains(model) && !specs.ContainsKey(model))
            {
                specs[model] = MonitorSpecValidator.Default(model);
            }
        }

        foreach (var gone in _models.Keys.Where(m => !specs.ContainsKey(m)).ToList())
        {
            _models.Remove(gone);
        }

        var thresholds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (model, spec) in specs)
        {
            if (_models.TryGetValue(model, out var known))
            {
                if (known.Spec.IntervalSeconds != spec.IntervalSeconds)
                {
                    known.NextDueMs = now + (spec.IntervalSeconds!.Value * 1000L);
                }

                known.Spec = spec;
            }
            else
            {
                _models[model] = new Scheduled(spec, now + (spec.IntervalSeconds!.Value * 1000L));
            }

            if (spec.EveryPredictions is { } every)
            {
                thresholds[model] = every;
            }
        }

        _counter.SetThresholds(thresholds);
    }

    /// <summary>Models with traffic: served here or on any replica (the served-model store), deployed, or logged by this server.</summary>
    private async Task<HashSet<string>> TrafficModelsAsync(CancellationToken cancellationToken)
    {
        var models = new HashSet<string>(_counter.Models, StringComparer.Ordinal);
        if (_services.GetService<IServedModelStore>() is { } served)
        {
            foreach (var entry in await served.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                models.Add(entry.Name);
            }
        }

        if (_services.GetService<DeploymentService>() is { } deployments)
        {
            string? token = null;
            do
            {
                var page = await deployments.ListAsync(100, token, cancellationToken).ConfigureAwait(false);
                foreach (var deployment in page.Items)
                {
                    models.Add(deployment.Model);
                }

                token = page.NextPageToken;
            }
            while (token is not null);
        }

        return models;
    }

    /// <summary>
    /// Takes the lease, or renews it once less than half of it is left (by the clock the store
    /// uses), so a holder never acts on a lease that may have expired and an idle leader writes
    /// once per half lease rather than once per tick.
    /// </summary>
    private async Task<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_holding && now < _leaseExpiresAt - (long)(_options.LeaseDuration.TotalMilliseconds / 2))
        {
            return true;
        }

        var lease = _holding
            ? await _leases.RenewLeaseAsync(MonitoringSchedulerOptions.LeaseName, Holder, _options.LeaseDuration, cancellationToken).ConfigureAwait(false)
            : await _leases.TryAcquireLeaseAsync(MonitoringSchedulerOptions.LeaseName, Holder, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            if (_holding)
            {
                MonitoringLog.LeaseLost(_logger, Holder);
            }

            _holding = false;
            return false;
        }

        if (!_holding)
        {
            MonitoringLog.LeaseTaken(_logger, Holder);
        }

        _holding = true;
        _leaseExpiresAt = lease.ExpiresAt;
        return true;
    }
}
