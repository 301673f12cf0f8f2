using System.Collections.Concurrent;
using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Hosts the arms of the deployments this process serves. A deployment is taken in on its first
/// request (or when the controller warms a version for it): its stable version is loaded through
/// the serving loader (<see cref="ServedModelRegistry.LoadVersionAsync"/>: registry, artifact store
/// through Core's store gate, cache, warm-up), and, while a rollout is active, the candidate.
/// Every stored change (the <see cref="DeploymentChangeFeed"/> for this process, a poll for others)
/// builds a new <see cref="ArmTable"/>: at once when the versions it needs are loaded, otherwise
/// after a background load while the current table keeps answering. A version no arm serves any
/// more is released, except the previous stable one after a promotion or switch, which stays for
/// the spec's rollback window; requests that leased it finish on it either way.
/// </summary>
internal sealed partial class DeploymentArmHost : IDisposable
{
    private readonly ConcurrentDictionary<string, HostedDeployment> _hosted = new(StringComparer.Ordinal);
    private readonly IDeploymentStore _store;
    private readonly ServedModelRegistry _loader;
    private readonly IRegistryStore _registry;
    private readonly ITrackingStore _tracking;
    private readonly IArtifactStore _artifacts;
    private readonly DeploymentChangeFeed _changes;
    private readonly DeploymentRoutingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public DeploymentArmHost(
        IDeploymentStore store,
        ServedModelRegistry loader,
        IRegistryStore registry,
        ITrackingStore tracking,
        IArtifactStore artifacts,
        DeploymentChangeFeed changes,
        DeploymentRoutingOptions options,
        TimeProvider time,
        ILogger<DeploymentArmHost> logger)
    {
        _store = store;
        _loader = loader;
        _registry = registry;
        _tracking = tracking;
        _artifacts = artifacts;
        _changes = changes;
        _options = options;
        _time = time;
        _logger = logger;
        _changes.Changed += OnChanged;
    }

    /// <summary>The deployments served here now.</summary>
    public IReadOnlyList<HostedDeployment> Hosted => _hosted.Values.ToArray();

    /// <summary>
    /// The deployment named <paramref name="name"/>, taken in (and its stable version loaded) on
    /// first use; null when the store has no such deployment.
    /// </summary>
    /// <exception cref="KeelException">TEMPORARILY_UNAVAILABLE when its stable version cannot be loaded.</exception>
    public async ValueTask<HostedDeployment?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!_hosted.TryGetValue(name, out var hosted))
        {
            Deployment stored;
            try
            {
                stored = await _store.GetAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (KeelException e) when (e.Code is ErrorCode.ResourceDoesNotExist or ErrorCode.InvalidParameterValue)
            {
                return null;
            }

            hosted = Host(stored);
        }

        if (hosted.Table is null)
        {
            await LoadMissingAsync(hosted, retryFailed: false, cancellationToken).ConfigureAwait(false);
            if (hosted.Table is null)
            {
                throw NotReady(hosted);
            }
        }

        return hosted;
    }

    /// <summary>The deployment's current table, or null when it is not served here (or its stable version is not loaded).</summary>
    public ArmTable? TableOf(string name) => _hosted.TryGetValue(name, out var hosted) ? hosted.Table : null;

    /// <summary>Applies a stored record of a deployment served here (newer revisions only) and builds its table.</summary>
    public void Apply(Deployment deployment)
    {
        if (_hosted.TryGetValue(deployment.Name, out var hosted))
        {
            Apply(hosted, deployment);
        }
    }

    /// <summary>Stops serving a deployment that left the store: its models are released (after their last leases).</summary>
    public void Remove(string name)
    {
        if (!_hosted.TryRemove(name, out var hosted))
        {
            return;
        }

        lock (hosted.Gate)
        {
            hosted.Closed = true;
            hosted.Table = null;
            foreach (var model in hosted.Loaded.Values)
            {
                model.Retire();
            }

            hosted.Loaded.Clear();
        }

        RoutingLog.Removed(_logger, name);
    }

    public void Dispose()
    {
        // Registered as itself and as IDeploymentArmWarmer: the container disposes it once per registration.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _changes.Changed -= OnChanged;
        _stopping.Cancel();
        foreach (var name in _hosted.Keys)
        {
            Remove(name);
        }

        _stopping.Dispose();
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The feed's handler: quick, never throws (a failure waits for the next poll).</summary>
    private void OnChanged(Deployment deployment)
    {
        try
        {
            Apply(deployment);
        }
        catch (Exception e)
        {
            RoutingLog.PollFailed(_logger, e, deployment.Name);
        }
    }

    private HostedDeployment Host(Deployment stored)
    {
        var hosted = _hosted.GetOrAdd(stored.Name, _ => new HostedDeployment(stored));
        Apply(hosted, stored);
        return hosted;
    }

    private void Apply(HostedDeployment hosted, Deployment deployment)
    {
        var now = Now();
        bool missing;
        lock (hosted.Gate)
        {
            if (hosted.Closed || deployment.Revision < hosted.Latest.Revision)
            {
                return;
            }

            var before = hosted.Latest;
            if (before.StableVersion != deployment.StableVersion && hosted.Loaded.ContainsKey(before.StableVersion))
            {
                // A promotion or a blue-green switch (or a rollback of one): the version that was
                // stable stays warm for the rollback window, so undoing the change needs no load.
                Keep(hosted, before.StableVersion, now + (long)DeploymentSpecValidator.RollbackWindow(deployment.Spec).TotalMilliseconds);
            }

            hosted.Latest = deployment;
            Rebuild(hosted, now);
            missing = Missing(hosted, now, retryFailed: false) is not null;
        }

        if (missing && Interlocked.CompareExchange(ref hosted.Loading, 1, 0) == 0)
        {
            _ = Task.Run(() => LoadInBackgroundAsync(hosted));
        }
    }

    private static void Keep(HostedDeployment hosted, string version, long untilMs) =>
        hosted.KeepUntil[version] = hosted.KeepUntil.TryGetValue(version, out var until) ? Math.Max(until, untilMs) : untilMs;

    /// <summary>Publishes the table for the newest record (when its stable version is loaded) and releases what nothing needs. Under the gate.</summary>
    private void Rebuild(HostedDeployment hosted, long now)
    {
        var deployment = hosted.Latest;
        var previous = hosted.Table;
        if (hosted.Loaded.TryGetValue(deployment.StableVersion, out var stable))
        {
            ServedModel? candidate = null;
            if (deployment.State.IsRolloutActive() && deployment.CandidateVersion is { } c && c != deployment.StableVersion)
            {
                hosted.Loaded.TryGetValue(c, out candidate);
            }

            var table = ArmTable.Build(deployment, stable, candidate);
            if (previous is null || previous.Deployment.Revision != table.Deployment.Revision || previous.Stable != table.Stable || previous.Candidate != table.Candidate)
            {
                hosted.Table = table;
                RoutingLog.Routed(_logger, hosted.Name, deployment.Revision, stable.Version, table.Candidate?.Version ?? "none", table.Weight, table.ShadowShare);
            }
        }

        // Otherwise the current table keeps answering until the stable version is loaded.
        var current = hosted.Table;
        var needed = HostedDeployment.Needed(deployment).ToHashSet(StringComparer.Ordinal);
        foreach (var (version, model) in hosted.Loaded.ToArray())
        {
            var kept = hosted.KeepUntil.TryGetValue(version, out var until) && until > now;
            var inUse = current is not null && (ReferenceEquals(current.Stable, model) || ReferenceEquals(current.Candidate, model));
            if (needed.Contains(version) || kept || inUse)
            {
                continue;
            }

            hosted.Loaded.Remove(version);
            model.Retire();
            RoutingLog.Released(_logger, hosted.Name, version);
        }

        foreach (var (version, until) in hosted.KeepUntil.ToArray())
        {
            if (until <= now && !hosted.Loaded.ContainsKey(version))
            {
                hosted.KeepUntil.Remove(version);
            }
        }
    }

    /// <summary>A version the newest record needs that is not loaded (and did not fail lately, unless <paramref name="retryFailed"/>); null when none. Under the gate.</summary>
    private string? Missing(HostedDeployment hosted, long now, bool retryFailed)
    {
        foreach (var version in HostedDeployment.Needed(hosted.Latest))
        {
            if (hosted.Loaded.ContainsKey(version))
            {
                continue;
            }

            if (!retryFailed && hosted.Failures.TryGetValue(version, out var failure) && now - failure.AtMs < (long)_options.LoadRetryDelay.TotalMilliseconds)
            {
                continue;
            }

            return version;
        }

        return null;
    }

    private KeelException NotReady(HostedDeployment hosted)
    {
        lock (hosted.Gate)
        {
            var version = hosted.Latest.StableVersion;
            var why = hosted.Failures.TryGetValue(version, out var failure) ? failure.Problem : "it is still loading";
            return new KeelException(ErrorCode.TemporarilyUnavailable, $"Deployment '{hosted.Name}' cannot answer yet: version {version} of model '{hosted.Latest.Model}' is not loaded ({why}).");
        }
    }
}
