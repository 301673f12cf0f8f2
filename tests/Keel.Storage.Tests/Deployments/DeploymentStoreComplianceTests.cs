using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Deployments;

/// <summary>Every behaviour an <see cref="IDeploymentStore"/> must have, whatever the backend.</summary>
public abstract partial class DeploymentStoreComplianceTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected IDeploymentStore Store { get; private set; } = null!;

    /// <summary>A new, empty backend using <see cref="Clock"/>.</summary>
    protected abstract Task<IDeploymentStore> CreateStoreAsync();

    /// <summary>The registry audit trail of <paramref name="model"/> in the same backend (where the store writes its changes), oldest first.</summary>
    protected abstract Task<IReadOnlyList<RegistryEvent>> AuditTrailAsync(string model);

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    private long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static DeploymentSpec Spec(string name, string version = "1") => DeploymentSpecValidator.Normalize(new DeploymentSpec
    {
        Name = name,
        Model = "credit-risk",
        Version = version,
        Strategy = "canary",
        Steps = [new DeploymentStep { SetWeight = 20 }, new DeploymentStep { Pause = new PauseStep { Duration = "10m", MinRequests = 500 } }],
        Gates = new DeploymentGates { ErrorRate = new ErrorRateGate { MaxIncrease = 0.02 }, PredictionShift = new DistributionGate { Method = "ks", Alpha = 0.01 } },
        Traffic = new TrafficPolicy { RoutingKey = new RoutingKey { Header = "X-Customer" } },
    });

    private async Task<Deployment> CreatedAsync(string name = "credit-prod")
    {
        var t = DeploymentStateMachine.Create(Spec(name), Now);
        return await Store.CreateAsync(t.Next, new DeploymentChange(t.Kind, null, "alice", "first", null));
    }

    /// <summary>Records hold lists, which compare by reference; compare what is stored instead.</summary>
    protected static void AssertSame(Deployment expected, Deployment actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, KeelJson.Options), JsonSerializer.Serialize(actual, KeelJson.Options));

    private static async Task<KeelException> Fails(ErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    [Fact]
    public async Task Create_ThenGet_RoundTripsSpecAndStatus_AtRevisionOne()
    {
        var created = await CreatedAsync();
        var read = await Store.GetAsync("credit-prod");
        Assert.Equal(1, read.Revision);
        Assert.Equal(DeploymentState.Idle, read.State);
        Assert.Equal("1", read.StableVersion);
        Assert.Equal("first", read.Reason);
        Assert.Equal(JsonSerializer.Serialize(created.Spec), JsonSerializer.Serialize(read.Spec));
        Assert.Equal("X-Customer", read.Spec.Traffic!.RoutingKey!.Header);
        Assert.Equal("ks", read.Spec.Gates!.PredictionShift!.Method);
        AssertSame(created, read);
    }

    [Fact]
    public async Task Create_TakenName_IsRefused_AndUnknownNamesAreNotFound()
    {
        await CreatedAsync();
        await Fails(ErrorCode.ResourceAlreadyExists, () => CreatedAsync());
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetAsync("nobody"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.ListEventsAsync("nobody", 10, null));
        var ghost = DeploymentStateMachine.Create(Spec("ghost"), Now).Next;
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.TryUpdateAsync(ghost, 1, new DeploymentChange("paused", DeploymentState.Idle, "bob", null, null)));
    }

    [Fact]
    public async Task TryUpdate_AtTheReadRevision_Writes_NextRevision_AndStaleRevisionWritesNothing()
    {
        var created = await CreatedAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        var t = DeploymentStateMachine.Apply(created, Spec("credit-prod", "2"), Now)!;
        var written = await Store.TryUpdateAsync(t.Next, created.Revision, new DeploymentChange(t.Kind, t.From, "bob", "roll out v2", null));
        Assert.NotNull(written);
        Assert.Equal(2, written.Revision);
        AssertSame(written, await Store.GetAsync("credit-prod"));

        var stale = DeploymentStateMachine.Rollback(t.Next, Now).Next;
        Assert.Null(await Store.TryUpdateAsync(stale, created.Revision, new DeploymentChange("rolled_back", DeploymentState.Progressing, "eve", null, null)));
        Assert.Equal(DeploymentState.Progressing, (await Store.GetAsync("credit-prod")).State);
        Assert.Equal(2, (await Store.ListEventsAsync("credit-prod", 10, null)).Items.Count);
    }

    [Fact]
    public async Task TwoWritersFromTheSameRevision_OnlyOneMovesTheDeployment()
    {
        var created = await CreatedAsync();
        var started = DeploymentStateMachine.Apply(created, Spec("credit-prod", "2"), Now)!;
        var progressing = await Store.TryUpdateAsync(started.Next, created.Revision, new DeploymentChange(started.Kind, started.From, "alice", null, null));
        var promote = DeploymentStateMachine.Promote(progressing!, Now).Next;
        var rollback = DeploymentStateMachine.Rollback(progressing!, Now).Next;
        var results = await Task.WhenAll(
            Task.Run(() => Store.TryUpdateAsync(promote, progressing!.Revision, new DeploymentChange("promoted", DeploymentState.Progressing, "alice", null, null))),
            Task.Run(() => Store.TryUpdateAsync(rollback, progressing!.Revision, new DeploymentChange("rolled_back", DeploymentState.Progressing, "bob", null, null))));
        var winner = Assert.Single(results, r => r is not null);
        AssertSame(winner!, await Store.GetAsync("credit-prod"));
        Assert.Equal(3, (await Store.ListEventsAsync("credit-prod", 10, null)).Items.Count);
    }

    [Fact]
    public async Task EveryChange_IsInTheHistory_AndInTheRegistryAuditTrail_WithWhoWhenWhyAndEvidence()
    {
        var created = await CreatedAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        var started = DeploymentStateMachine.Apply(created, Spec("credit-prod", "2"), Now)!;
        var progressing = (await Store.TryUpdateAsync(started.Next, 1, new DeploymentChange(started.Kind, started.From, "bob", "roll out v2", null)))!;
        Clock.Advance(TimeSpan.FromMinutes(1));
        var at = Now;
        using var evidence = JsonDocument.Parse("""{"gate": "error_rate", "candidate": 0.09, "stable": 0.01, "max_increase": 0.02}""");
        var rolled = DeploymentStateMachine.Rollback(progressing, at);
        await Store.TryUpdateAsync(rolled.Next, progressing.Revision, new DeploymentChange(rolled.Kind, rolled.From, "controller:node-1", "error_rate gate failed", evidence.RootElement));

        var history = (await Store.ListEventsAsync("credit-prod", 10, null)).Items;
        Assert.Equal(["created", "rollout_started", "rolled_back"], history.Select(e => e.Kind));
        Assert.Equal([1L, 2, 3], history.Select(e => e.Revision));
        var last = history[^1];
        Assert.Equal((DeploymentState?)DeploymentState.Progressing, last.FromState);
        Assert.Equal(DeploymentState.RolledBack, last.ToState);
        Assert.Equal(("controller:node-1", at, "error_rate gate failed"), (last.User, last.Timestamp, last.Reason));
        Assert.Equal(0.09, last.Evidence!.Value.GetProperty("candidate").GetDouble());
        Assert.Equal(("1", "2", 0), (last.StableVersion, last.CandidateVersion, last.CandidateWeight));

        var trail = (await AuditTrailAsync("credit-risk")).Where(e => e.Target == "deployment:credit-prod").ToList();
        Assert.Equal(["deployment_created", "deployment_rollout_started", "deployment_rolled_back"], trail.Select(e => e.Kind));
        var audited = trail[^1];
        Assert.Equal(("controller:node-1", at, "progressing", "rolled_back", "2"), (audited.User, audited.Timestamp, audited.From, audited.To, audited.Version));
        Assert.True(audited.Rollback);
        Assert.Contains("error_rate gate failed", audited.Comment, StringComparison.Ordinal);
        Assert.Contains("\"candidate\":0.09", audited.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PagesByName()
    {
        foreach (var name in new[] { "c", "a", "b" })
        {
            await CreatedAsync(name);
        }

        var first = await Store.ListAsync(2, null);
        Assert.Equal(["a", "b"], first.Items.Select(d => d.Name));
        var second = await Store.ListAsync(2, first.NextPageToken);
        Assert.Equal(["c"], second.Items.Select(d => d.Name));
        Assert.Null(second.NextPageToken);
    }
}
