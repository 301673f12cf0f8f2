using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;
using W = Keel.Core.Registry.RegistryWrite;

namespace Keel.Core.Tests.Approvals;

public sealed class ApprovalRulesTests
{
    private const long Now = 1_700_000_000_000;
    private static readonly Actor Alice = new("alice", "ship it");
    private static readonly RegistryVersionState Live = new(ModelExists: true, Stage: "None");
    private static readonly ApprovalPolicy Policy = new("m", RequiredApprovals: 2, LifetimeSeconds: 600);

    private readonly RegistryRules _rules = new();

    private static ApprovalRequest Request(string state, string target = "alias:production", long expiresAt = Now + 600_000, params ApprovalDecision[] decisions) =>
        new("m", 1, "3", target, "alice", null, Now, expiresAt, 2, state, Now, decisions);

    [Theory]
    [InlineData("stage:Production", "stage:Production")]
    [InlineData("stage:production", "stage:Production")]
    [InlineData("alias:Champion", "alias:champion")]
    [InlineData("alias:production", "alias:production")]
    [InlineData("deployment:credit-prod", "deployment:credit-prod")]
    public void Targets_AreSpelledCanonically(string given, string expected) => Assert.Equal(expected, ApprovalTargets.Parse(given));

    [Theory]
    [InlineData("stage:Staging")]
    [InlineData("alias:candidate")]
    [InlineData("deployment:a/b")]
    [InlineData("production")]
    [InlineData("stage:")]
    [InlineData(null)]
    public void Targets_ThatDoNotEnterProduction_AreInvalid(string? given) =>
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => ApprovalTargets.Parse(given)).Code);

    [Fact]
    public void ValidatePolicy_NamesEveryProblemAtOnce()
    {
        var e = Assert.Throws<KeelException>(() => ApprovalRules.ValidatePolicy(new ApprovalPolicy("m", 11, 5, false, false, false)));
        Assert.Contains("'required_approvals' must be 1 to 10", e.Message, StringComparison.Ordinal);
        Assert.Contains("'lifetime_seconds' must be 60 to", e.Message, StringComparison.Ordinal);
        Assert.Contains("at least one", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_WithoutAPolicy_ChangesNothing()
    {
        var change = _rules.SetAlias("m", "production", 3, Alice, Live, null, null, Now, new ApprovalCheck(null, []));
        Assert.DoesNotContain(change.Writes, w => w is W.SetApprovalState);
        Assert.Equal("ship it", change.Writes.OfType<W.AppendEvent>().Single().Comment);
    }

    [Fact]
    public void Gate_UsesTheApprovedRequestForThatVersionAndTarget_AndNamesItsApprovers()
    {
        var approved = Request(ApprovalStates.Approved, decisions: [new("bob", ApprovalDecisions.Approve, Now, null), new("carol", ApprovalDecisions.Approve, Now, null)]);
        var change = _rules.SetAlias("m", "production", 3, Alice, Live, null, null, Now, new ApprovalCheck(Policy, [approved]));

        Assert.Equal(new W.SetApprovalState("m", 1, ApprovalStates.Used, Now), change.Writes.OfType<W.SetApprovalState>().Single());
        var events = change.Writes.OfType<W.AppendEvent>().ToList();
        Assert.Equal([ApprovalEventKinds.Used, RegistryEventKinds.AliasSet], events.Select(e => e.Kind));
        Assert.Equal("[approved by bob, carol (request 1)] ship it", events[1].Comment);
    }

    public static TheoryData<ApprovalRequest> NotUsable => new()
    {
        Request(ApprovalStates.Pending),
        Request(ApprovalStates.Approved, expiresAt: Now),
        Request(ApprovalStates.Approved, target: "alias:champion"),
        Request(ApprovalStates.Approved) with { Version = "2" },
        Request(ApprovalStates.Used),
        Request(ApprovalStates.Approved, target: "deployment:d"),
    };

    [Theory]
    [MemberData(nameof(NotUsable))]
    public void Gate_RefusesTheMove_WhenNoApprovedUnexpiredRequestCoversExactlyIt(ApprovalRequest request)
    {
        var e = Assert.Throws<KeelException>(() => _rules.SetAlias("m", "production", 3, Alice, Live, null, null, Now, new ApprovalCheck(Policy, [request])));
        Assert.Equal(ErrorCode.PermissionDenied, e.Code);
        Assert.Contains("keel models approvals request m --version 3 --target alias:production", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_LeavesMovesThePolicyDoesNotCover()
    {
        var noStage = Policy with { CoversStage = false };
        _rules.TransitionStage("m", 3, "Production", false, Alice, Live, null, [], Now, new ApprovalCheck(noStage, []));
        Assert.Throws<KeelException>(() => _rules.SetAlias("m", "champion", 3, Alice, Live, null, null, Now, new ApprovalCheck(noStage, [])));
        _rules.SetAlias("m", "candidate", 3, Alice, Live, null, null, Now, new ApprovalCheck(Policy, []));
        _rules.TransitionStage("m", 3, "Staging", false, Alice, Live, null, [], Now, new ApprovalCheck(Policy, []));
    }

    [Fact]
    public void Decide_ByTheRequester_IsRefused_FourEyes()
    {
        var rules = new ApprovalRules();
        var e = Assert.Throws<KeelException>(() => rules.Decide("m", 1, Request(ApprovalStates.Pending), ApprovalDecisions.Approve, new Actor("alice"), [Request(ApprovalStates.Pending)], Now));
        Assert.Equal(ErrorCode.PermissionDenied, e.Code);
    }

    [Fact]
    public void Decide_OnAnExpiredRequest_RecordsTheExpiry_AndReturnsTheRefusal()
    {
        var rules = new ApprovalRules();
        var overdue = Request(ApprovalStates.Pending, expiresAt: Now);
        var outcome = rules.Decide("m", 1, overdue, ApprovalDecisions.Approve, new Actor("bob"), [overdue], Now);

        Assert.Equal(ErrorCode.InvalidState, outcome.Refusal!.Code);
        Assert.Equal(new W.SetApprovalState("m", 1, ApprovalStates.Expired, Now), outcome.Change.Writes.OfType<W.SetApprovalState>().Single());
        Assert.Equal(ApprovalEventKinds.Expired, outcome.Change.Writes.OfType<W.AppendEvent>().Single().Kind);
        Assert.DoesNotContain(outcome.Change.Writes, w => w is W.InsertApprovalDecision);
    }
}
