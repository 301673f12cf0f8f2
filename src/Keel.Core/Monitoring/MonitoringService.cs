using Keel.Core.Errors;
using Keel.Core.Paging;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Core.Monitoring;

/// <summary>
/// The monitoring commands and reads every entry point runs (the REST API, <c>keel monitor</c> on a
/// local store): checks names, specs and paging, checks that a monitored model is registered, and
/// runs a monitor now through the <see cref="IMonitorRunner"/> when one is available.
/// </summary>
/// <param name="store">Where monitors, windows and alerts are kept.</param>
/// <param name="registry">The registry the monitored models must be in.</param>
/// <param name="runner">Runs a monitor now; null where no runner is available (then <see cref="RunAsync"/> refuses with NOT_IMPLEMENTED).</param>
/// <param name="limits">The user id limit applies to who applies a monitor.</param>
/// <param name="served">
/// The served models: a model served under another name than its registered one is monitored under
/// the served name, so that name is known too; null where nothing is served (only registered names).
/// </param>
public sealed partial class MonitoringService(IMonitoringStore store, IRegistryStore registry, IMonitorRunner? runner = null, InputLimits? limits = null, Serving.IServedModelStore? served = null) : IMonitoringOperations
{
    /// <summary>Monitors, alerts and history entries per page when the caller does not say.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Windows per page when the caller does not say.</summary>
    public const int DefaultWindowPageSize = 1000;

    private readonly InputLimits _limits = limits ?? InputLimits.Default;

    /// <summary>The store (for callers that read further, e.g. the summary).</summary>
    public IMonitoringStore Store => store;

    /// <summary>Whether <see cref="RunAsync"/> can run a monitor here.</summary>
    public bool CanRun => runner is not null;

    /// <summary>Checks <paramref name="spec"/>, checks its model is registered, and stores it (creating or replacing the model's monitor).</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad spec or user; RESOURCE_DOES_NOT_EXIST when the model is not registered.</exception>
    public async Task<StoredMonitor> ApplyAsync(MonitorSpec? spec, Actor actor, CancellationToken cancellationToken = default)
    {
        var normal = MonitorSpecValidator.Normalize(spec);
        actor = RegistryValidator.Actor(actor, _limits);
        await RequireModelAsync(normal.Model!, cancellationToken).ConfigureAwait(false);
        return await store.PutMonitorAsync(normal, actor.User, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored monitor of <paramref name="model"/>.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the model has no stored monitor.</exception>
    public async Task<StoredMonitor> GetAsync(string? model, CancellationToken cancellationToken = default)
    {
        var name = MonitoringNames.Model(model);
        return await store.GetMonitorAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoMonitor(name);
    }

    /// <summary>Stored monitors by model name.</summary>
    public Task<PagedResult<StoredMonitor>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default) =>
        store.ListMonitorsAsync(maxResults, pageToken, cancellationToken);

    /// <summary>Deletes the stored monitor of <paramref name="model"/> (its windows and alerts stay; the model is then monitored with the defaults).</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the model has no stored monitor.</exception>
    public async Task DeleteAsync(string? model, CancellationToken cancellationToken = default)
    {
        var name = MonitoringNames.Model(model);
        if (!await store.DeleteMonitorAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw NoMonitor(name);
        }
    }

    /// <summary>Runs the monitor of <paramref name="model"/> now (its stored spec, or the defaults).</summary>
    /// <exception cref="KeelException">
    /// RESOURCE_DOES_NOT_EXIST when the model is not registered; NOT_IMPLEMENTED where no
    /// <see cref="IMonitorRunner"/> is available.
    /// </exception>
    public async Task<MonitorRunResult> RunAsync(string? model, long? windowEndMs, CancellationToken cancellationToken = default)
    {
        var name = MonitoringNames.Model(model);
        if (windowEndMs is < 0)
        {
            throw KeelException.InvalidParameter($"Invalid 'window_end_ms' {windowEndMs}: a time in Unix milliseconds is not negative.");
        }

        await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
        if (runner is null)
        {
            throw new KeelException(ErrorCode.NotImplemented, "Monitors cannot be run on demand here: no monitor runner is available in this Keel (the monitoring scheduler provides it).");
        }

        return await runner.RunAsync(name, windowEndMs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A monitored model is a registered model, or a name a model is served under.</summary>
    private async Task RequireModelAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            await registry.GetRegisteredModelAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist && served is not null)
        {
            var entries = await served.ListAsync(cancellationToken).ConfigureAwait(false);
            if (!entries.Any(entry => string.Equals(entry.Name, model, StringComparison.Ordinal)))
            {
                throw;
            }
        }
    }

    private static KeelException NoMonitor(string model) =>
        KeelException.NotFound($"Registered model '{model}' has no stored monitor (it is monitored with the defaults); apply one with 'keel monitor apply'.");
}
