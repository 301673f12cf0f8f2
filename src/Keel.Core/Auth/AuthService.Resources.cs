namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>Grants <paramref name="username"/> a level on one of Keel's resources.</summary>
    public async Task<ResourcePermission> CreateResourcePermissionAsync(ResourceKind kind, string? name, string? username, string? permission, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(name, "name");
        var level = Permissions.Parse(permission);
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.CreateResourcePermissionAsync(kind, resource, user.Id, level, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The level granted to <paramref name="username"/> on a resource.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: no user, or nothing granted.</exception>
    public async Task<ResourcePermission> GetResourcePermissionAsync(ResourceKind kind, string? name, string? username, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(name, "name");
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.GetResourcePermissionAsync(kind, resource, user.Id, cancellationToken).ConfigureAwait(false)
            ?? throw Errors.KeelException.NotFound($"The {kind.Noun()} permission with name={resource} and username={user.Username} was not found.");
    }

    /// <summary>Changes the level granted to <paramref name="username"/> on a resource.</summary>
    public async Task<ResourcePermission> UpdateResourcePermissionAsync(ResourceKind kind, string? name, string? username, string? permission, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(name, "name");
        var level = Permissions.Parse(permission);
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.UpdateResourcePermissionAsync(kind, resource, user.Id, level, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the level granted to <paramref name="username"/> on a resource (the default applies again).</summary>
    public async Task DeleteResourcePermissionAsync(ResourceKind kind, string? name, string? username, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(name, "name");
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        await store.DeleteResourcePermissionAsync(kind, resource, user.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The level <paramref name="user"/> has on one of Keel's resources: the one granted, else the default.</summary>
    public async Task<Permission> ResourcePermissionOfAsync(AuthUser user, ResourceKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAdmin
            ? Permission.Manage
            : (await store.GetResourcePermissionAsync(kind, name, user.Id, cancellationToken).ConfigureAwait(false))?.Permission ?? options.DefaultPermission;
    }

    /// <summary>Makes <paramref name="user"/> the manager of a resource they created (a grant left from an earlier resource of that name is replaced).</summary>
    public async Task GrantCreatorAsync(AuthUser user, ResourceKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await store.DeleteResourcePermissionsAsync(kind, name, cancellationToken).ConfigureAwait(false);
        await store.CreateResourcePermissionAsync(kind, name, user.Id, Permission.Manage, cancellationToken).ConfigureAwait(false);
    }
}
