using Keel.Core.Auth;
using Keel.Core.Errors;

namespace Keel.Storage.Tests.Auth;

public abstract partial class AuthStoreComplianceTests
{
    [Fact]
    public async Task ExperimentPermission_CreateGetUpdateDelete_RoundTrips()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        Assert.Equal(new ExperimentPermission("7", alice.Id, Permission.Read), await Store.CreateExperimentPermissionAsync("7", alice.Id, Permission.Read));
        Assert.Equal(Permission.Read, (await Store.GetExperimentPermissionAsync("7", alice.Id))!.Permission);
        Assert.Equal(Permission.NoPermissions, (await Store.UpdateExperimentPermissionAsync("7", alice.Id, Permission.NoPermissions)).Permission);
        Assert.Equal(Permission.NoPermissions, (await Store.GetExperimentPermissionAsync("7", alice.Id))!.Permission);
        await Store.DeleteExperimentPermissionAsync("7", alice.Id);
        Assert.Null(await Store.GetExperimentPermissionAsync("7", alice.Id));
    }

    [Fact]
    public async Task ExperimentPermission_Twice_IsAlreadyExists_AndMissingOnes_AreDoesNotExist()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        await Store.CreateExperimentPermissionAsync("7", alice.Id, Permission.Edit);
        Assert.Equal(ErrorCode.ResourceAlreadyExists, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateExperimentPermissionAsync("7", alice.Id, Permission.Read))).Code);
        Assert.Equal(Permission.Edit, (await Store.GetExperimentPermissionAsync("7", alice.Id))!.Permission);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.UpdateExperimentPermissionAsync("8", alice.Id, Permission.Read))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.DeleteExperimentPermissionAsync("8", alice.Id))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateExperimentPermissionAsync("7", alice.Id + 1000, Permission.Read))).Code);
    }

    [Fact]
    public async Task ListPermissions_AreTheUsersOwn_InKeyOrder()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var bob = await Store.CreateUserAsync("bob", "h", false);
        await Store.CreateExperimentPermissionAsync("2", alice.Id, Permission.Edit);
        await Store.CreateExperimentPermissionAsync("10", alice.Id, Permission.Read);
        await Store.CreateExperimentPermissionAsync("3", bob.Id, Permission.Manage);
        await Store.CreateRegisteredModelPermissionAsync("b-model", alice.Id, Permission.Read);
        await Store.CreateRegisteredModelPermissionAsync("a-model", alice.Id, Permission.Manage);

        Assert.Equal(
            [new ExperimentPermission("10", alice.Id, Permission.Read), new ExperimentPermission("2", alice.Id, Permission.Edit)],
            await Store.ListExperimentPermissionsAsync(alice.Id));
        Assert.Equal(
            [new RegisteredModelPermission("a-model", alice.Id, Permission.Manage), new RegisteredModelPermission("b-model", alice.Id, Permission.Read)],
            await Store.ListRegisteredModelPermissionsAsync(alice.Id));
    }

    [Fact]
    public async Task RegisteredModelPermission_CreateGetUpdateDelete_RoundTrips()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        await Store.CreateRegisteredModelPermissionAsync("credit", alice.Id, Permission.Edit);
        Assert.Equal(ErrorCode.ResourceAlreadyExists, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateRegisteredModelPermissionAsync("credit", alice.Id, Permission.Read))).Code);
        Assert.Equal(Permission.Manage, (await Store.UpdateRegisteredModelPermissionAsync("credit", alice.Id, Permission.Manage)).Permission);
        Assert.Equal(new RegisteredModelPermission("credit", alice.Id, Permission.Manage), await Store.GetRegisteredModelPermissionAsync("credit", alice.Id));
        await Store.DeleteRegisteredModelPermissionAsync("credit", alice.Id);
        Assert.Null(await Store.GetRegisteredModelPermissionAsync("credit", alice.Id));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.DeleteRegisteredModelPermissionAsync("credit", alice.Id))).Code);
    }

    [Fact]
    public async Task RenameAndDeleteOfAModel_MoveAndDropEveryUsersPermissions()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var bob = await Store.CreateUserAsync("bob", "h", false);
        await Store.CreateRegisteredModelPermissionAsync("old", alice.Id, Permission.Edit);
        await Store.CreateRegisteredModelPermissionAsync("old", bob.Id, Permission.Read);
        await Store.CreateRegisteredModelPermissionAsync("other", bob.Id, Permission.Manage);

        await Store.RenameRegisteredModelPermissionsAsync("old", "new");
        Assert.Null(await Store.GetRegisteredModelPermissionAsync("old", alice.Id));
        Assert.Equal(Permission.Edit, (await Store.GetRegisteredModelPermissionAsync("new", alice.Id))!.Permission);
        Assert.Equal(Permission.Read, (await Store.GetRegisteredModelPermissionAsync("new", bob.Id))!.Permission);

        await Store.DeleteRegisteredModelPermissionsAsync("new");
        Assert.Null(await Store.GetRegisteredModelPermissionAsync("new", alice.Id));
        Assert.Null(await Store.GetRegisteredModelPermissionAsync("new", bob.Id));
        Assert.Equal(Permission.Manage, (await Store.GetRegisteredModelPermissionAsync("other", bob.Id))!.Permission);
    }
}
