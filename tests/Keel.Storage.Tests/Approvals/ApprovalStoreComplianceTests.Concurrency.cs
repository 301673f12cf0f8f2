using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Storage.Tests.Approvals;

public abstract partial class ApprovalStoreComplianceTests
{
    /// <summary>Other stores on the same database (another process's, for PostgreSQL); this one by default.</summary>
    protected virtual Task<IRegistryStore[]> PeersAsync() => Task.FromResult(new[] { Registry });

    [Fact]
    public async Task ConcurrentApprovals_CountEachUserOnce_AndStopAtTheRequiredNumber()
    {
        await ModelAsync("race", policy: new ApprovalPolicy("race", RequiredApprovals: 3));
        await Store.CreateRequestAsync("race", "1", "alias:production", Alice);
        var peers = await PeersAsync();
        using var start = new ManualResetEventSlim();
        var users = new[] { "u1", "u2", "u3", "u4", "u5", "u6", "u1", "u2", "u1", "u6" };
        var decisions = users.Select((user, i) => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await ((IApprovalStore)peers[i % peers.Length]).DecideAsync("race", 1, ApprovalDecisions.Approve, new Actor(user));
                return (ErrorCode?)null;
            }
            catch (KeelException e)
            {
                return e.Code;
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(decisions);

        Assert.Equal(3, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(ErrorCode.InvalidState, o));
        var request = await Store.GetRequestAsync("race", 1);
        Assert.Equal(ApprovalStates.Approved, request.State);
        Assert.Equal(3, request.Decisions.Count);
        Assert.Equal(3, request.Approvers.Distinct().Count());
    }

    [Fact]
    public async Task ConcurrentPromotions_OnOneApproval_OnlyOneGoesThrough()
    {
        await ModelAsync("race", policy: new ApprovalPolicy("race"));
        await Store.CreateRequestAsync("race", "1", "stage:Production", Alice);
        await Store.DecideAsync("race", 1, ApprovalDecisions.Approve, Bob);
        var peers = await PeersAsync();
        using var start = new ManualResetEventSlim();
        var moves = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await peers[i % peers.Length].TransitionStageAsync("race", "1", "Production", false, Alice);
                return (ErrorCode?)null;
            }
            catch (KeelException e)
            {
                return e.Code;
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(moves);

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(ErrorCode.PermissionDenied, o));
        var used = (await Registry.ListEventsAsync(new RegistryEventQuery("race"))).Items.Count(e => e.Kind == ApprovalEventKinds.Used);
        Assert.Equal(1, used);
    }
}
