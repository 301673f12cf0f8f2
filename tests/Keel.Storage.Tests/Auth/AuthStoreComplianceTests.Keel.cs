using Keel.Core.Auth;
using Keel.Core.Errors;

namespace Keel.Storage.Tests.Auth;

/// <summary>Keel's own resource kinds, scoring tokens and setup tokens.</summary>
public abstract partial class AuthStoreComplianceTests
{
    public static TheoryData<ResourceKind> Kinds => new(ResourceKinds.All);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ResourcePermission_CreateGetUpdateDelete_RoundTrips_PerKind(ResourceKind kind)
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        Assert.Equal(new ResourcePermission(kind, "credit", alice.Id, Permission.Read), await Store.CreateResourcePermissionAsync(kind, "credit", alice.Id, Permission.Read));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateResourcePermissionAsync(kind, "credit", alice.Id, Permission.Edit))).Code);
        Assert.Equal(Permission.Manage, (await Store.UpdateResourcePermissionAsync(kind, "credit", alice.Id, Permission.Manage)).Permission);
        Assert.Equal(new ResourcePermission(kind, "credit", alice.Id, Permission.Manage), await Store.GetResourcePermissionAsync(kind, "credit", alice.Id));

        // The kinds are apart: the same name of another kind has nothing granted.
        foreach (var other in ResourceKinds.All.Where(k => k != kind))
        {
            Assert.Null(await Store.GetResourcePermissionAsync(other, "credit", alice.Id));
        }

        await Store.DeleteResourcePermissionAsync(kind, "credit", alice.Id);
        Assert.Null(await Store.GetResourcePermissionAsync(kind, "credit", alice.Id));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.DeleteResourcePermissionAsync(kind, "credit", alice.Id))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.UpdateResourcePermissionAsync(kind, "credit", alice.Id, Permission.Read))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateResourcePermissionAsync(kind, "credit", alice.Id + 1000, Permission.Read))).Code);
    }

    [Fact]
    public async Task ResourcePermissions_AreListedPerUserAndKind_InNameOrder_DroppedWithTheResource_AndWithTheUser()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var bob = await Store.CreateUserAsync("bob", "h", false);
        await Store.CreateResourcePermissionAsync(ResourceKind.Deployment, "b-dep", alice.Id, Permission.Read);
        await Store.CreateResourcePermissionAsync(ResourceKind.Deployment, "a-dep", alice.Id, Permission.Manage);
        await Store.CreateResourcePermissionAsync(ResourceKind.Deployment, "a-dep", bob.Id, Permission.Edit);
        await Store.CreateResourcePermissionAsync(ResourceKind.Monitor, "a-dep", alice.Id, Permission.Edit);

        Assert.Equal(
            [new ResourcePermission(ResourceKind.Deployment, "a-dep", alice.Id, Permission.Manage), new ResourcePermission(ResourceKind.Deployment, "b-dep", alice.Id, Permission.Read)],
            await Store.ListResourcePermissionsAsync(ResourceKind.Deployment, alice.Id));

        await Store.DeleteResourcePermissionsAsync(ResourceKind.Deployment, "a-dep");
        Assert.Null(await Store.GetResourcePermissionAsync(ResourceKind.Deployment, "a-dep", bob.Id));
        Assert.NotNull(await Store.GetResourcePermissionAsync(ResourceKind.Monitor, "a-dep", alice.Id));

        await Store.DeleteUserAsync("alice");
        Assert.Empty(await Store.ListResourcePermissionsAsync(ResourceKind.Deployment, alice.Id));
        Assert.Empty(await Store.ListResourcePermissionsAsync(ResourceKind.Monitor, alice.Id));
    }

    [Fact]
    public async Task ScoringTokens_RoundTrip_GuardTheirResource_Revoke_Touch_AndDelete()
    {
        var token = new ScoringToken("t1", ResourceKind.Deployment, "dep", "ci", [1, 2, 3], "alice", 1000, 5000, null, null);
        Assert.Equal(token, await Store.CreateScoringTokenAsync(token), ScoringTokenComparer.Instance);
        Assert.Equal(ErrorCode.ResourceAlreadyExists, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateScoringTokenAsync(token with { Id = "t2" }))).Code);
        await Store.CreateScoringTokenAsync(token with { Id = "t3", Name = "ci", Kind = ResourceKind.ServedModel });
        await Store.CreateScoringTokenAsync(token with { Id = "t4", Name = "later", CreatedAt = 2000 });

        Assert.Equal(token, await Store.GetScoringTokenAsync("t1"), ScoringTokenComparer.Instance);
        Assert.Null(await Store.GetScoringTokenAsync("nope"));
        Assert.Equal(["t4", "t1"], (await Store.ListScoringTokensAsync(ResourceKind.Deployment, "dep")).Select(t => t.Id));
        Assert.Equal([(ResourceKind.Deployment, "dep"), (ResourceKind.ServedModel, "dep")], (await Store.ListTokenGuardedResourcesAsync()).OrderBy(r => r.Kind));

        Assert.Null(await Store.RevokeScoringTokenAsync(ResourceKind.ServedModel, "dep", "t1", 3000));
        Assert.Equal(3000, (await Store.RevokeScoringTokenAsync(ResourceKind.Deployment, "dep", "t1", 3000))!.RevokedAt);
        Assert.Equal(3000, (await Store.RevokeScoringTokenAsync(ResourceKind.Deployment, "dep", "t1", 4000))!.RevokedAt);

        await Store.TouchScoringTokenAsync("t4", 2500);
        Assert.Equal(2500, (await Store.GetScoringTokenAsync("t4"))!.LastUsedAt);

        Assert.False(await Store.DeleteScoringTokenAsync(ResourceKind.ServedModel, "dep", "t1"));
        Assert.True(await Store.DeleteScoringTokenAsync(ResourceKind.Deployment, "dep", "t1"));
        Assert.True(await Store.DeleteScoringTokenAsync(ResourceKind.Deployment, "dep", "t4"));
        Assert.Equal([(ResourceKind.ServedModel, "dep")], await Store.ListTokenGuardedResourcesAsync());
    }

    [Fact]
    public async Task SetupTokens_AreSpentOnce_AndSpendingOneSpendsAll()
    {
        await Store.AddSetupTokenAsync([1, 1], 10);
        await Store.AddSetupTokenAsync([2, 2], 20);
        Assert.False(await Store.SpendSetupTokenAsync([3, 3]));
        Assert.True(await Store.SpendSetupTokenAsync([2, 2]));
        Assert.False(await Store.SpendSetupTokenAsync([2, 2]));
        Assert.False(await Store.SpendSetupTokenAsync([1, 1]));

        await Store.AddSetupTokenAsync([4, 4], 30);
        await Store.ClearSetupTokensAsync();
        Assert.False(await Store.SpendSetupTokenAsync([4, 4]));
    }

    /// <summary>Records with a byte array compare it by reference; tokens are equal when their fields and bytes are.</summary>
    private sealed class ScoringTokenComparer : IEqualityComparer<ScoringToken?>
    {
        public static readonly ScoringTokenComparer Instance = new();

        private static readonly byte[] None = [];

        public bool Equals(ScoringToken? x, ScoringToken? y) =>
            x is not null && y is not null && x with { SecretHash = None } == y with { SecretHash = None } && x.SecretHash.AsSpan().SequenceEqual(y.SecretHash);

        public int GetHashCode(ScoringToken? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
