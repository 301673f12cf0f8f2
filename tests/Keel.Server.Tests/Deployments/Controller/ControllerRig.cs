using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Server.Deployments.Controller;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>A real SQLite store, registry and <see cref="DeploymentService"/> on a fake clock, with a reconciler over them.</summary>
internal sealed class ControllerRig : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-ctrl-").FullName;

    public ControllerRig(IRegistryStore? registry = null, Func<IRegistryStore, IRegistryStore>? wrapRegistry = null)
    {
        Database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Clock);
        Store = new SqliteDeploymentStore(Database.Database);
        var real = registry ?? new SqliteRegistryStore(Database.Database, Database.ArtifactRoot);
        Registry = wrapRegistry is null ? real : wrapRegistry(real);
        Service = new DeploymentService(Store, Registry, new RegistryPromotionGuard(), Clock, changes: Feed);
        Analysis.Clock = () => Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Reconciler = NewReconciler();
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));

    public SqliteTrackingStore Database { get; }

    public SqliteDeploymentStore Store { get; }

    public IRegistryStore Registry { get; }

    public DeploymentChangeFeed Feed { get; } = new();

    public DeploymentService Service { get; }

    public ObservedAnalysis Analysis { get; } = new();

    public TestWarmer Warmer { get; } = new();

    public DeploymentControllerOptions Options { get; } = new();

    public DeploymentReconciler Reconciler { get; }

    public DeploymentReconciler NewReconciler() =>
        new(Service, Clock, Options, NullLogger<DeploymentReconciler>.Instance, Analysis, Warmer);

    public long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static Actor Alice { get; } = new("alice", "test");

    /// <summary>Registers a model with <paramref name="versions"/> versions and creates a deployment on version 1.</summary>
    public async Task<DeploymentSpec> CreateAsync(string name, int versions, DeploymentSpec spec)
    {
        await Registry.CreateRegisteredModelAsync(name, null, null, Alice);
        for (var i = 1; i <= versions; i++)
        {
            await Registry.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"mlflow-artifacts:/models/{name}/{i}", null, null, null, null, null), Alice);
        }

        var full = spec with { Name = name, Model = name, Version = "1" };
        await Service.CreateAsync(full, Alice);
        return full;
    }

    /// <summary>Reconciles until nothing changes (at most 50 passes); returns the actions taken.</summary>
    public async Task<List<ReconcileAction>> SettleAsync(string name)
    {
        var actions = new List<ReconcileAction>();
        for (var i = 0; i < 50; i++)
        {
            var action = await Reconciler.ReconcileAsync(await Service.GetAsync(name));
            if (action == ReconcileAction.None)
            {
                return actions;
            }

            actions.Add(action);
        }

        throw new InvalidOperationException("The controller did not settle in 50 passes: " + string.Join(",", actions));
    }

    public async Task<List<DeploymentEvent>> HistoryAsync(string name) => [.. (await Service.HistoryAsync(name, 1000, null)).Items];

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
