using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Deployments;

/// <summary>
/// The rolling coordinator's decisions on a real SQLite store (deployments, registry, replicas in
/// one database) and a fake clock: one replica at a time, bake before the next, promote at the
/// end, fail and send every replica back to stable when a moved one fails.
/// </summary>
public sealed class RollingCoordinatorTests : IAsyncLifetime
{
    private const string Name = "credit";
    private static readonly Actor Alice = new("alice", "test");
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-rolling-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    private SqliteTrackingStore _database = null!;
    private SqliteRegistryStore _registry = null!;
    private SqliteDeploymentReplicaStore _replicas = null!;
    private DeploymentService _deployments = null!;
    private RollingCoordinator _coordinator = null!;

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), _clock);
        _registry = new SqliteRegistryStore(_database.Database, _database.ArtifactRoot);
        _replicas = new SqliteDeploymentReplicaStore(_database.Database);
        _deployments = new DeploymentService(new SqliteDeploymentStore(_database.Database), _registry, new RegistryPromotionGuard(), _clock);
        _coordinator = new RollingCoordinator(_deployments, _replicas, _clock, "test");
        await _registry.CreateRegisteredModelAsync(Name, null, null, Alice);
        for (var i = 0; i < 3; i++)
        {
            await _registry.CreateModelVersionAsync(new CreateModelVersionCommand(Name, $"mlflow-artifacts:/m/{i}", null, null, null, null, null), Alice);
        }

        await _deployments.CreateAsync(Spec("1"), Alice);
        var service = new DeploymentReplicaService(new SqliteDeploymentStore(_database.Database), _replicas);
        foreach (var id in new[] { "r1", "r2", "r3" })
        {
            await service.RegisterAsync(Report(id, "1"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static DeploymentSpec Spec(string version) => new()
    {
        Name = Name,
        Model = Name,
        Version = version,
        Strategy = "rolling",
        Rolling = new RollingPolicy { Bake = "30s", ReadyTimeout = "1m", HeartbeatTimeout = "10s" },
    };

    private static ReplicaReport Report(string id, string? served, bool ready = true, bool healthy = true, string? failed = null, string? detail = null) =>
        new(Name, id, $"http://127.0.0.1:510{id[^1]}", served, ready, healthy, detail, failed);

    private Task<DeploymentReplica?> Beat(string id, string? served, bool ready = true, bool healthy = true, string? failed = null, string? detail = null) =>
        _replicas.HeartbeatAsync(Report(id, served, ready, healthy, failed, detail));

    /// <summary>Every replica reports what it serves now (the assignment, once it has "loaded" it).</summary>
    private async Task EveryoneServesTheirAssignmentAsync()
    {
        foreach (var r in await _replicas.ListAsync(Name))
        {
            await Beat(r.ReplicaId, r.DesiredVersion);
        }
    }

    private async Task<RollingDecision> StepAsync() => await _coordinator.StepAsync(await _deployments.GetAsync(Name));

    private async Task<Dictionary<string, string>> DesiredAsync() =>
        (await _replicas.ListAsync(Name)).ToDictionary(r => r.ReplicaId, r => r.DesiredVersion);

    [Fact]
    public async Task WithoutARollout_NothingMoves_AndStrayAssignmentsGoBackToStable()
    {
        Assert.Equal(RollingDecision.Steady, await StepAsync());
        await _replicas.AssignAsync(Name, "r2", "3");
        Assert.Equal(RollingDecision.Reassigned, await StepAsync());
        Assert.All((await DesiredAsync()).Values, v => Assert.Equal("1", v));
    }

    [Fact]
    public async Task Rollout_MovesOneReplicaAtATime_EachBakesBeforeTheNext_ThenPromotes()
    {
        await _deployments.ApplyAsync(Spec("2"), Alice);
        var order = new List<string>();
        for (var moved = 1; moved <= 3; moved++)
        {
            Assert.Equal(RollingDecision.Moved, await StepAsync());
            var desired = await DesiredAsync();
            var onCandidate = desired.Where(p => p.Value == "2").Select(p => p.Key).ToList();
            Assert.Equal(moved, onCandidate.Count);
            order.Add(onCandidate.Except(order).Single());
            Assert.Equal((int)Math.Round(100.0 * moved / 3), (await _deployments.GetAsync(Name)).CandidateWeight);

            // Not loaded yet: the coordinator waits, whatever the clock says within the ready timeout.
            Assert.Equal(RollingDecision.Waiting, await StepAsync());
            await EveryoneServesTheirAssignmentAsync();

            // Baking: nothing moves until 30 s of ready and healthy have passed.
            _clock.Advance(TimeSpan.FromSeconds(29));
            await EveryoneServesTheirAssignmentAsync();
            Assert.Equal(RollingDecision.Waiting, await StepAsync());
            Assert.Equal(moved, (await DesiredAsync()).Count(p => p.Value == "2"));
            _clock.Advance(TimeSpan.FromSeconds(1));
            await EveryoneServesTheirAssignmentAsync();
        }

        Assert.Equal(["r1", "r2", "r3"], order);
        Assert.Equal(RollingDecision.Promoted, await StepAsync());
        var promoted = await _deployments.GetAsync(Name);
        Assert.Equal(DeploymentState.Promoted, promoted.State);
        Assert.Equal("2", promoted.StableVersion);
        Assert.Equal("2", (await _registry.ResolveAsync($"models:/{Name}@production")).Version);
        var history = (await _deployments.HistoryAsync(Name, 100, null)).Items;
        Assert.Equal(3, history.Count(e => e.Kind == DeploymentEventKinds.ReplicaMoved));
        var last = history[^1];
        Assert.Equal(DeploymentEventKinds.Promoted, last.Kind);
        Assert.StartsWith("controller:rolling:", last.User);
        Assert.Equal(3, last.Evidence!.Value.GetProperty("replicas_on_candidate").GetInt32());
        Assert.Equal(RollingDecision.Steady, await StepAsync());
    }

    [Fact]
    public async Task AnotherReplicaUnavailable_HoldsTheNextMove()
    {
        await _deployments.ApplyAsync(Spec("2"), Alice);
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        await EveryoneServesTheirAssignmentAsync();
        _clock.Advance(TimeSpan.FromSeconds(30));
        await EveryoneServesTheirAssignmentAsync();
        await Beat("r3", "1", ready: false);
        Assert.Equal(RollingDecision.Waiting, await StepAsync());
        Assert.Equal(1, (await DesiredAsync()).Count(p => p.Value == "2"));

        await Beat("r3", "1");
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        Assert.Equal(2, (await DesiredAsync()).Count(p => p.Value == "2"));
    }

    [Fact]
    public async Task AReplicaThatCannotLoadTheCandidate_FailsTheRollout_AndEveryReplicaGoesBackToStable()
    {
        await _deployments.ApplyAsync(Spec("2"), Alice);
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        await EveryoneServesTheirAssignmentAsync();
        _clock.Advance(TimeSpan.FromSeconds(30));
        await EveryoneServesTheirAssignmentAsync();
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        Assert.Equal("2", (await DesiredAsync())["r2"]);

        await Beat("r2", "1", ready: true, healthy: false, failed: "2", detail: "loading version 2 failed: model.zip is not a zip file");
        Assert.Equal(RollingDecision.Failed, await StepAsync());

        Assert.All((await DesiredAsync()).Values, v => Assert.Equal("1", v));
        var failed = await _deployments.GetAsync(Name);
        Assert.Equal(DeploymentState.Failed, failed.State);
        Assert.Equal("1", failed.StableVersion);
        Assert.Equal(0, failed.CandidateWeight);
        Assert.Equal("1", (await _registry.ResolveAsync($"models:/{Name}@production")).Version);
        var evidence = (await _deployments.HistoryAsync(Name, 100, null)).Items[^1].Evidence!.Value;
        Assert.Equal("r2", evidence.GetProperty("replica").GetProperty("replica_id").GetString());
        Assert.Contains("not a zip file", evidence.GetProperty("replica").GetProperty("detail").GetString());
        Assert.Contains("could not serve version 2", evidence.GetProperty("failure").GetString());
    }

    [Fact]
    public async Task AMovedReplicaThatGoesSilent_FailsTheRollout()
    {
        await _deployments.ApplyAsync(Spec("2"), Alice);
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        _clock.Advance(TimeSpan.FromSeconds(11));
        await Beat("r2", "1");
        await Beat("r3", "1");
        Assert.Equal(RollingDecision.Failed, await StepAsync());
        var evidence = (await _deployments.HistoryAsync(Name, 100, null)).Items[^1].Evidence!.Value;
        Assert.Contains("sent no heartbeat", evidence.GetProperty("failure").GetString());
        Assert.All((await DesiredAsync()).Values, v => Assert.Equal("1", v));
    }

    [Fact]
    public async Task AMovedReplicaNotReadyWithinTheTimeout_FailsTheRollout()
    {
        await _deployments.ApplyAsync(Spec("2"), Alice);
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        for (var i = 0; i < 7; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(9));
            await Beat("r1", "1");
            await Beat("r2", "1");
            await Beat("r3", "1");
            Assert.Equal(i < 6 ? RollingDecision.Waiting : RollingDecision.Failed, await StepAsync());
        }

        var failure = (await _deployments.HistoryAsync(Name, 100, null)).Items[^1].Evidence!.Value.GetProperty("failure").GetString();
        Assert.Contains("did not report version 2 ready and healthy within", failure);
    }

    [Fact]
    public async Task APausedRollout_MovesNothing_AndAManualRollbackSendsReplicasBack()
    {
        await _deployments.ApplyAsync(Spec("2"), Alice);
        Assert.Equal(RollingDecision.Moved, await StepAsync());
        await _deployments.PauseAsync(Name, Alice);
        await EveryoneServesTheirAssignmentAsync();
        _clock.Advance(TimeSpan.FromMinutes(5));
        await EveryoneServesTheirAssignmentAsync();
        Assert.Equal(RollingDecision.Held, await StepAsync());
        Assert.Equal(1, (await DesiredAsync()).Count(p => p.Value == "2"));

        await _deployments.RollbackAsync(Name, Alice, JsonSerializer.SerializeToElement(new { why = "operator" }));
        Assert.Equal(RollingDecision.Reassigned, await StepAsync());
        Assert.All((await DesiredAsync()).Values, v => Assert.Equal("1", v));
    }

    [Fact]
    public async Task NewReplicasRegisterOnStable_AndOtherStrategiesAreRefused()
    {
        var service = new DeploymentReplicaService(new SqliteDeploymentStore(_database.Database), _replicas);
        await _deployments.ApplyAsync(Spec("2"), Alice);
        Assert.Equal("1", (await service.RegisterAsync(Report("r4", null, ready: false))).DesiredVersion);

        await _deployments.CreateAsync(new DeploymentSpec { Name = "canary", Model = Name, Version = "1", Steps = [new DeploymentStep { SetWeight = 10 }] }, Alice);
        var refused = await Assert.ThrowsAsync<Keel.Core.Errors.KeelException>(() => service.RegisterAsync(Report("r1", null) with { Deployment = "canary" }));
        Assert.Contains("replicas (keel serve --deployment) serve rolling deployments", refused.Message);
    }
}
