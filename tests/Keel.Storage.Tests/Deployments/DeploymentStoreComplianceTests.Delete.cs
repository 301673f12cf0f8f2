using Keel.Core.Deployments;
using Keel.Core.Errors;

namespace Keel.Storage.Tests.Deployments;

// Deleting: the deployment and its history go, the registry's trail keeps the deletion.
public abstract partial class DeploymentStoreComplianceTests
{
    [Fact]
    public async Task Delete_RemovesTheDeploymentAndItsHistory_TheRegistryTrailKeepsTheDeletion_AndTheNameIsFreeAgain()
    {
        var created = await CreatedAsync("to-delete");
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await Store.DeleteAsync(created with { UpdatedAt = Now }, created.Revision, new DeploymentChange(DeploymentEventKinds.Deleted, created.State, "bob", "retired", null)));

        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetAsync("to-delete"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.ListEventsAsync("to-delete", 10, null));
        Assert.DoesNotContain((await Store.ListAsync(100, null)).Items, d => d.Name == "to-delete");
        var trail = await AuditTrailAsync("credit-risk");
        var deleted = Assert.Single(trail, e => e.Kind == "deployment_deleted");
        Assert.Equal(("bob", "deployment:to-delete", Now), (deleted.User, deleted.Target, deleted.Timestamp));
        Assert.Contains("retired", deleted.Comment, StringComparison.Ordinal);

        var again = await CreatedAsync("to-delete");
        Assert.Equal(1, again.Revision);
        Assert.Single((await Store.ListEventsAsync("to-delete", 10, null)).Items);
    }

    [Fact]
    public async Task Delete_AtAStaleRevision_DeletesNothing_AndAMissingDeploymentIsNotFound()
    {
        var created = await CreatedAsync("stale-delete");
        var next = await Store.TryUpdateAsync(created with { Reason = "x" }, created.Revision, new DeploymentChange(DeploymentEventKinds.SpecUpdated, created.State, "alice", "x", null));

        Assert.False(await Store.DeleteAsync(created, created.Revision, new DeploymentChange(DeploymentEventKinds.Deleted, created.State, "bob", null, null)));
        AssertSame(next!, await Store.GetAsync("stale-delete"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DeleteAsync(created with { Name = "never-was" }, 1, new DeploymentChange(DeploymentEventKinds.Deleted, created.State, "bob", null, null)));
    }
}
