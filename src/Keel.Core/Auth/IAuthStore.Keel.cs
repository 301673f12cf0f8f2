namespace Keel.Core.Auth;

/// <summary>Keel's own resource kinds, scoring tokens and setup tokens.</summary>
public partial interface IAuthStore
{
    /// <summary>Grants a user a level on one of Keel's resources.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS: the user has one on it already; RESOURCE_DOES_NOT_EXIST: no such user.</exception>
    Task<ResourcePermission> CreateResourcePermissionAsync(ResourceKind kind, string name, long userId, Permission permission, CancellationToken cancellationToken = default);

    /// <summary>The user's level on a resource, or null when none was granted.</summary>
    Task<ResourcePermission?> GetResourcePermissionAsync(ResourceKind kind, string name, long userId, CancellationToken cancellationToken = default);

    /// <summary>Every permission of a user on resources of <paramref name="kind"/>, by name.</summary>
    Task<IReadOnlyList<ResourcePermission>> ListResourcePermissionsAsync(ResourceKind kind, long userId, CancellationToken cancellationToken = default);

    /// <summary>Changes a user's level on a resource.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: none was granted.</exception>
    Task<ResourcePermission> UpdateResourcePermissionAsync(ResourceKind kind, string name, long userId, Permission permission, CancellationToken cancellationToken = default);

    /// <summary>Removes a user's level on a resource.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: none was granted.</exception>
    Task DeleteResourcePermissionAsync(ResourceKind kind, string name, long userId, CancellationToken cancellationToken = default);

    /// <summary>Removes every user's permissions on a resource (it was deleted).</summary>
    Task DeleteResourcePermissionsAsync(ResourceKind kind, string name, CancellationToken cancellationToken = default);

    /// <summary>Stores a new scoring token.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS: the resource has a token of that name.</exception>
    Task<ScoringToken> CreateScoringTokenAsync(ScoringToken token, CancellationToken cancellationToken = default);

    /// <summary>The scoring token with public id <paramref name="id"/>, or null.</summary>
    Task<ScoringToken?> GetScoringTokenAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A resource's scoring tokens (revoked and expired ones too), newest first.</summary>
    Task<IReadOnlyList<ScoringToken>> ListScoringTokensAsync(ResourceKind kind, string name, CancellationToken cancellationToken = default);

    /// <summary>Every resource that has at least one scoring token (and so requires one to score).</summary>
    Task<IReadOnlyList<(ResourceKind Kind, string Name)>> ListTokenGuardedResourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a resource's token at <paramref name="now"/>; revoking it again keeps the first time.</summary>
    /// <returns>The token, or null when the resource has no token with that id.</returns>
    Task<ScoringToken?> RevokeScoringTokenAsync(ResourceKind kind, string name, string id, long now, CancellationToken cancellationToken = default);

    /// <summary>Deletes a resource's token (once a resource has none left, scoring it no longer needs one).</summary>
    /// <returns>Whether the resource had a token with that id.</returns>
    Task<bool> DeleteScoringTokenAsync(ResourceKind kind, string name, string id, CancellationToken cancellationToken = default);

    /// <summary>Records that a scoring token let a request score at <paramref name="now"/>.</summary>
    Task TouchScoringTokenAsync(string id, long now, CancellationToken cancellationToken = default);

    /// <summary>Keeps the SHA-256 of a one-time setup token (each replica that starts with no user adds its own).</summary>
    Task AddSetupTokenAsync(byte[] hash, long createdAt, CancellationToken cancellationToken = default);

    /// <summary>Spends a setup token: when one with <paramref name="hash"/> is kept, every setup token is removed.</summary>
    /// <returns>Whether a setup token with that hash was kept (and so has now been spent).</returns>
    Task<bool> SpendSetupTokenAsync(byte[] hash, CancellationToken cancellationToken = default);

    /// <summary>Removes every setup token (a user exists).</summary>
    Task ClearSetupTokensAsync(CancellationToken cancellationToken = default);
}
