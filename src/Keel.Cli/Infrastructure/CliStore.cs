using Keel.Cli.Serving;
using Keel.Client;
using Keel.Core.Artifacts;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.ML.Workflows;
using Keel.Stores;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// The stores a command works on, opened from a <see cref="StoreChoice"/>: a tracking server
/// through <see cref="KeelClient"/> (which implements the store interfaces over the REST API) or
/// the stores opened in-process by <see cref="StoreFactory"/> (a SQLite file or a PostgreSQL
/// database, and the artifact root). Commands use the interfaces only, so
/// each command has one code path for both.
/// </summary>
internal sealed class CliStore : IAsyncDisposable
{
    private readonly KeelClient? _client;
    private readonly KeelStores? _local;

    private CliStore(StoreChoice location, KeelClient client)
    {
        Location = location;
        _client = client;
        Tracking = client;
        Registry = client;
        Approvals = client;
        Artifacts = new ClientArtifactStore(client);
        User = client.Options.User;
        Serving = new ClientServingAdmin(client);
    }

    private CliStore(StoreChoice location, KeelStores local)
    {
        Location = location;
        _local = local;
        Tracking = local.Tracking;
        Registry = local.Registry;
        Approvals = local.Approvals;
        Artifacts = local.Artifacts;
        User = new KeelClientOptions().User;
        Serving = new LocalServingAdmin(local.ServedModels, Registry, location);
    }

    /// <summary>Where the stores are and what named them.</summary>
    public StoreChoice Location { get; }

    public ITrackingStore Tracking { get; }

    public IRegistryStore Registry { get; }

    /// <summary>Approval policies and requests (<c>keel models approvals</c>): the server's API, or the local registry store.</summary>
    public Core.Approvals.IApprovalStore Approvals { get; }

    /// <summary>The artifact store runs' <c>mlflow-artifacts:/</c> paths point into (the server's proxy, or the local folder).</summary>
    public IArtifactStore Artifacts { get; }

    /// <summary>What <c>keel serving</c> adds to, lists and removes from.</summary>
    public IServingAdmin Serving { get; }

    /// <summary>The client when the store is a Keel server; null for a local store.</summary>
    public KeelClient? Client => _client;

    /// <summary>The stores opened by <see cref="StoreFactory"/> for a local store; null for a server.</summary>
    public KeelStores? Local => _local;

    /// <summary>The user changes are recorded under when $KEEL_USER is unset: the OS user.</summary>
    public string User { get; }

    /// <summary>Opens the stores at <paramref name="location"/> (a local store is created and migrated when missing).</summary>
    public static CliStore Open(StoreChoice location, CliSettings settings)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(settings);
        if (location.Server is { } server)
        {
            return new CliStore(location, new KeelClient(server, CliCredentials.Apply(settings.ClientOptions, settings.GetEnvironmentVariable)));
        }

        // The same factory as the server's: the same database, checks and rules.
        var stores = StoreFactory.Open(location.BackendUri, location.ArtifactRoot!, new StoreFactoryOptions { Environment = settings.GetEnvironmentVariable });
        return new CliStore(location, stores);
    }

    /// <summary>The workflows' view of these stores (not owning them: disposing this store closes them).</summary>
    public TrainBackend Backend() =>
        new(Location.Uri, Tracking, Registry, Artifacts, _client is null ? null : _client.LogModelAsync);

    /// <summary>The deployment commands: the server's API, or the deployment service over the local store.</summary>
    public Core.Deployments.IDeploymentOperations Deployments() => _client is not null
        ? _client
        : new Core.Deployments.DeploymentService(_local!.Deployments, Registry, new Core.Deployments.RegistryPromotionGuard(_local.Approvals), TimeProvider.System, _local.Limits);

    /// <summary>The replicas of a deployment (<c>keel serve --deployment</c>): the server's API, or the local store.</summary>
    public Task<IReadOnlyList<Core.Deployments.DeploymentReplica>> ListReplicasAsync(string deployment, CancellationToken cancellationToken) =>
        _client is not null
            ? _client.ListDeploymentReplicasAsync(deployment, cancellationToken)
            : new Core.Deployments.DeploymentReplicaService(_local!.Deployments, _local.Replicas).ListAsync(deployment, cancellationToken);

    /// <summary>One page of a model's prediction log.</summary>
    public Task<PagedResult<LoggedPrediction>> SearchPredictionsAsync(PredictionQuery query, CancellationToken cancellationToken) =>
        _client is not null
            ? _client.SearchPredictionsAsync(query, cancellationToken)
            : _local!.Predictions.SearchAsync(query, cancellationToken);

    /// <summary>A deployment's report: the server's, or one built from the local prediction log (errors from its failed requests in both).</summary>
    public async Task<Core.Deployments.DeploymentReport> DeploymentReportAsync(string name, long? fromMs, long? toMs, CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            return await _client.GetDeploymentReportAsync(name, fromMs, toMs, cancellationToken).ConfigureAwait(false);
        }

        new PredictionQuery(string.Empty, fromMs, toMs) { Deployment = Core.Deployments.DeploymentSpecValidator.Name(name) }.Validate();
        var deployment = await Deployments().GetAsync(name, cancellationToken).ConfigureAwait(false);
        return await Monitoring.Deployments.DeploymentReportBuilder.BuildAsync(
            _local!.Predictions, deployment, fromMs, toMs, windows: null, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A model's monitoring summary and the windows behind it: the server's summary (windows not
    /// needed there), or one built from the local monitoring store, with the same checks as the server.
    /// </summary>
    public async Task<Core.Monitoring.ModelMonitoringSummary> MonitoringSummaryAsync(string? model, long? days, CancellationToken cancellationToken)
    {
        var query = Core.Monitoring.MonitoringSummaryQuery.Of(model, days);
        if (_client is not null)
        {
            return await _client.GetMonitoringSummaryAsync(query.Model, query.Days, cancellationToken).ConfigureAwait(false);
        }

        var (summary, _) = await LocalMonitoringAsync(query, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    /// <summary>A model's monitoring report as a self-contained HTML page: the server's, or rendered from the local monitoring store.</summary>
    public async Task<string> MonitoringReportHtmlAsync(string? model, long? days, CancellationToken cancellationToken)
    {
        var query = Core.Monitoring.MonitoringSummaryQuery.Of(model, days);
        if (_client is not null)
        {
            return await _client.GetMonitoringReportHtmlAsync(query.Model, query.Days, cancellationToken).ConfigureAwait(false);
        }

        var (summary, windows) = await LocalMonitoringAsync(query, cancellationToken).ConfigureAwait(false);
        return Monitoring.Reports.MonitoringHtmlReport.Render(summary, windows);
    }

    private async Task<(Core.Monitoring.ModelMonitoringSummary, IReadOnlyList<Core.Monitoring.MonitorWindow>)> LocalMonitoringAsync(Core.Monitoring.MonitoringSummaryQuery query, CancellationToken cancellationToken)
    {
        await Registry.GetRegisteredModelAsync(query.Model, cancellationToken).ConfigureAwait(false);
        var store = _local!.Monitoring;
        long now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var data = await Monitoring.Summaries.MonitoringSummaryBuilder.LoadAsync(store, query, now, cancellationToken).ConfigureAwait(false);
        return (Monitoring.Summaries.MonitoringSummaryBuilder.Build(query, now, data), data.Windows);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_local is not null)
        {
            await _local.DisposeAsync().ConfigureAwait(false);
        }
    }
}
