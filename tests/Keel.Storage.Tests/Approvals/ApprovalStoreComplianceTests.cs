using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Approvals;

/// <summary>
/// Every behaviour an <see cref="IApprovalStore"/> must have, whatever the backend, with the
/// registry store it lives in: the gate on moves into production is applied in the registry's write.
/// </summary>
public abstract partial class ApprovalStoreComplianceTests : IAsyncLifetime
{
    protected static readonly Actor Alice = new("alice", "ready for production");
    protected static readonly Actor Bob = new("bob", "looks right");
    protected static readonly Actor Carol = new("carol");

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected IRegistryStore Registry { get; private set; } = null!;

    protected IApprovalStore Store => (IApprovalStore)Registry;

    /// <summary>A new, empty registry store (implementing <see cref="IApprovalStore"/>) using <see cref="Clock"/>.</summary>
    protected abstract Task<IRegistryStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Registry = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    protected async Task<string> ModelAsync(string name, int versions = 2, ApprovalPolicy? policy = null)
    {
        await Registry.CreateRegisteredModelAsync(name, null, null, Alice);
        for (var i = 0; i < versions; i++)
        {
            await Registry.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"mlflow-artifacts:/{name}/{i}", null, null, null, null, null), Alice);
        }

        if (policy is not null)
        {
            await Store.SetPolicyAsync(policy with { Name = name }, Alice);
        }

        return name;
    }

    protected static async Task<KeelException> Fails(ErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    [Fact]
    public async Task Policy_SetGetReplaceDelete_RoundTrips_AndIsAudited()
    {
        await ModelAsync("m");
        Assert.Null(await Store.GetPolicyAsync("m"));
        var set = await Store.SetPolicyAsync(new ApprovalPolicy("m", 2, 3600, CoversDeployments: false), Alice);
        Assert.Equal(new ApprovalPolicy("m", 2, 3600, true, true, false), set);
        Assert.Equal(set, await Store.GetPolicyAsync("m"));
        Assert.Equal(3, (await Store.SetPolicyAsync(new ApprovalPolicy("m", 3), Bob)).RequiredApprovals);
        await Store.DeletePolicyAsync("m", Bob);
        Assert.Null(await Store.GetPolicyAsync("m"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DeletePolicyAsync("m", Bob));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.SetPolicyAsync(new ApprovalPolicy("ghost"), Bob));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetPolicyAsync("ghost"));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SetPolicyAsync(new ApprovalPolicy("m", 0, 10), Bob));

        var kinds = (await Registry.ListEventsAsync(new RegistryEventQuery("m"))).Items.Select(e => e.Kind).Where(k => k.StartsWith("approval_", StringComparison.Ordinal));
        Assert.Equal([ApprovalEventKinds.PolicySet, ApprovalEventKinds.PolicySet, ApprovalEventKinds.PolicyDeleted], kinds);
    }

    [Fact]
    public async Task Requests_AreNumberedPerModel_ReadBack_AndListedNewestFirst()
    {
        await ModelAsync("a", policy: new ApprovalPolicy("a"));
        await ModelAsync("b", policy: new ApprovalPolicy("b"));
        var first = await Store.CreateRequestAsync("a", "1", "alias:Production", Alice);
        var second = await Store.CreateRequestAsync("a", "2", "stage:production", Alice);
        var other = await Store.CreateRequestAsync("b", "1", "deployment:b-prod", Bob);

        Assert.Equal((1L, 2L, 1L), (first.Id, second.Id, other.Id));
        Assert.Equal(
            new ApprovalRequest("a", 1, "1", "alias:production", "alice", "ready for production", 1_700_000_000_000, 1_700_000_000_000 + (ApprovalRules.DefaultLifetimeSeconds * 1000), 1, ApprovalStates.Pending, 1_700_000_000_000, []),
            await Store.GetRequestAsync("a", 1));
        Assert.Equal("stage:Production", second.Target);
        Assert.Equal([2L, 1L], (await Store.ListRequestsAsync("a")).Select(r => r.Id));
        Assert.Equal([1L], (await Store.ListRequestsAsync("a", version: "1")).Select(r => r.Id));
        Assert.Empty(await Store.ListRequestsAsync("a", state: ApprovalStates.Approved));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetRequestAsync("a", 3));
        await Fails(ErrorCode.ResourceAlreadyExists, () => Store.CreateRequestAsync("a", "1", "alias:production", Carol));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.CreateRequestAsync("a", "9", "alias:production", Alice));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.CreateRequestAsync("a", "1", "alias:staging", Alice));
    }

    [Fact]
    public async Task CreateRequest_NeedsAPolicyThatCoversTheTarget()
    {
        await ModelAsync("free");
        await Fails(ErrorCode.InvalidState, () => Store.CreateRequestAsync("free", "1", "alias:production", Alice));
        await Store.SetPolicyAsync(new ApprovalPolicy("free", CoversStage: false), Alice);
        await Fails(ErrorCode.InvalidState, () => Store.CreateRequestAsync("free", "1", "stage:Production", Alice));
        Assert.Equal(1, (await Store.CreateRequestAsync("free", "1", "alias:champion", Alice)).Id);
    }

    [Fact]
    public async Task Decide_FourEyes_OneDecisionPerUser_NApprovers_Approve()
    {
        await ModelAsync("m", policy: new ApprovalPolicy("m", RequiredApprovals: 2));
        await Store.CreateRequestAsync("m", "1", "alias:production", Alice);

        var own = await Fails(ErrorCode.PermissionDenied, () => Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Alice));
        Assert.Contains("four eyes", own.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalStates.Pending, (await Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Bob)).State);
        await Fails(ErrorCode.InvalidState, () => Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Bob));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var approved = await Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Carol);

        Assert.Equal(ApprovalStates.Approved, approved.State);
        Assert.Equal(["bob", "carol"], approved.Approvers);
        Assert.Equal(("bob", "looks right"), (approved.Decisions[0].User, approved.Decisions[0].Comment));
        await Fails(ErrorCode.InvalidState, () => Store.DecideAsync("m", 1, ApprovalDecisions.Approve, new Actor("dave")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.DecideAsync("m", 1, "maybe", new Actor("dave")));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DecideAsync("m", 7, ApprovalDecisions.Approve, Bob));
    }

    [Fact]
    public async Task OneRejection_Rejects_EvenAfterApproval_AndBlocksThePromotion()
    {
        await ModelAsync("m", policy: new ApprovalPolicy("m"));
        await Store.CreateRequestAsync("m", "1", "alias:production", Alice);
        Assert.Equal(ApprovalStates.Approved, (await Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Bob)).State);
        Assert.Equal(ApprovalStates.Rejected, (await Store.DecideAsync("m", 1, ApprovalDecisions.Reject, Carol)).State);
        await Fails(ErrorCode.PermissionDenied, () => Registry.SetAliasAsync("m", "production", "1", Alice));
        Assert.Empty((await Registry.GetRegisteredModelAsync("m")).Aliases);
    }

    [Fact]
    public async Task Cancel_OnlyByTheRequester_WhileOpen()
    {
        await ModelAsync("m", policy: new ApprovalPolicy("m"));
        await Store.CreateRequestAsync("m", "1", "alias:production", Alice);
        await Fails(ErrorCode.PermissionDenied, () => Store.CancelAsync("m", 1, Bob));
        Assert.Equal(ApprovalStates.Cancelled, (await Store.CancelAsync("m", 1, Alice)).State);
        await Fails(ErrorCode.InvalidState, () => Store.CancelAsync("m", 1, Alice));
        await Fails(ErrorCode.InvalidState, () => Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Bob));
        Assert.Equal(2, (await Store.CreateRequestAsync("m", "1", "alias:production", Alice)).Id);
    }

    [Fact]
    public async Task Expiry_ByTheClock_ReadsExpired_BlocksDecisionsAndPromotion_AndIsRecordedByTheNextWrite()
    {
        await ModelAsync("m", policy: new ApprovalPolicy("m", LifetimeSeconds: 600));
        await Store.CreateRequestAsync("m", "1", "alias:production", Alice);
        await Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Bob);
        await Store.CreateRequestAsync("m", "2", "alias:production", Alice);

        Clock.Advance(TimeSpan.FromSeconds(600));

        Assert.Equal(ApprovalStates.Expired, (await Store.GetRequestAsync("m", 1)).State);
        await Fails(ErrorCode.PermissionDenied, () => Registry.SetAliasAsync("m", "production", "1", Alice));
        var late = await Fails(ErrorCode.InvalidState, () => Store.DecideAsync("m", 2, ApprovalDecisions.Approve, Bob));
        Assert.Contains("expired", late.Message, StringComparison.Ordinal);

        var expired = (await Registry.ListEventsAsync(new RegistryEventQuery("m"))).Items.Where(e => e.Kind == ApprovalEventKinds.Expired).ToList();
        Assert.Equal([("1", "approved"), ("2", "pending")], expired.Select(e => (e.Version!, e.From!)));
        Assert.Equal(2, (await Store.ListRequestsAsync("m", state: ApprovalStates.Expired)).Count);
        Assert.Equal(3, (await Store.CreateRequestAsync("m", "1", "alias:production", Alice)).Id);
    }

    public static TheoryData<string> Targets => new() { "alias", "stage" };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task AnApprovedRequest_LetsExactlyThatMoveThrough_Once_AndNamesTheApprovers(string kind)
    {
        await ModelAsync("m", policy: new ApprovalPolicy("m"));
        Task Move(string version) => kind == "alias"
            ? Registry.SetAliasAsync("m", "production", version, Alice)
            : Registry.TransitionStageAsync("m", version, "Production", archiveExistingVersions: true, Alice);
        var target = kind == "alias" ? "alias:production" : "stage:Production";

        await Fails(ErrorCode.PermissionDenied, () => Move("1"));
        await Store.CreateRequestAsync("m", "1", target, Alice);
        await Store.DecideAsync("m", 1, ApprovalDecisions.Approve, Bob);
        await Fails(ErrorCode.PermissionDenied, () => Move("2"));
        await Fails(ErrorCode.PermissionDenied, () => kind == "alias"
            ? Registry.SetAliasAsync("m", "champion", "1", Alice)
            : Registry.SetAliasAsync("m", "production", "1", Alice));

        await Move("1");

        Assert.Equal(ApprovalStates.Used, (await Store.GetRequestAsync("m", 1)).State);
        var events = (await Registry.ListEventsAsync(new RegistryEventQuery("m", "1"))).Items.OrderBy(e => e.EventId).ToList();
        var move = events[^1];
        Assert.Equal((ApprovalEventKinds.Used, "alice"), (events[^2].Kind, events[^2].User));
        Assert.StartsWith("[approved by bob (request 1)] ready for production", move.Comment, StringComparison.Ordinal);
        await Fails(ErrorCode.PermissionDenied, () => kind == "alias"
            ? Registry.SetAliasAsync("m", "production", "1", Alice)
            : Registry.TransitionStageAsync("m", "1", "Production", false, Alice));
    }

    [Fact]
    public async Task MovesOutsideProduction_AndModelsWithoutAPolicy_NeedNoApproval()
    {
        await ModelAsync("free");
        await Registry.SetAliasAsync("free", "production", "1", Alice);
        await Registry.TransitionStageAsync("free", "2", "Production", false, Alice);
        await ModelAsync("gov", policy: new ApprovalPolicy("gov"));
        await Registry.SetAliasAsync("gov", "candidate", "1", Alice);
        await Registry.TransitionStageAsync("gov", "1", "Staging", false, Alice);
        await Store.SetPolicyAsync(new ApprovalPolicy("gov", CoversAliases: false), Alice);
        await Registry.SetAliasAsync("gov", "production", "2", Alice);
        await Fails(ErrorCode.PermissionDenied, () => Registry.TransitionStageAsync("gov", "2", "Production", false, Alice));
    }

    [Fact]
    public async Task Requests_FollowARename_AndGoWithADeletedModel()
    {
        await ModelAsync("old", policy: new ApprovalPolicy("old"));
        await Store.CreateRequestAsync("old", "1", "alias:production", Alice);
        await Store.DecideAsync("old", 1, ApprovalDecisions.Approve, Bob);
        await Registry.RenameRegisteredModelAsync("old", "new", Alice);

        Assert.Equal(["bob"], (await Store.GetRequestAsync("new", 1)).Approvers);
        Assert.NotNull(await Store.GetPolicyAsync("new"));
        await Registry.SetAliasAsync("new", "production", "1", Alice);

        await Registry.DeleteRegisteredModelAsync("new", Alice);
        await ModelAsync("new");
        Assert.Null(await Store.GetPolicyAsync("new"));
        Assert.Empty(await Store.ListRequestsAsync("new"));
    }
}
