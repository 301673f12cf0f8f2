namespace Keel.Core.Auth;

/// <summary>
/// Where users, their permissions and their API tokens are kept. The store keeps names unique and
/// removes a user's permissions and tokens with the user; every other rule (name and password
/// checks, hashing, defaults, lockout) is <see cref="AuthService"/>'s.
/// </summary>
public partial interface IAuthStore
{
    /// <summary>Adds a user.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS: the name is taken.</exception>
    Task<AuthUser> CreateUserAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken = default);

    /// <summary>The user named <paramref name="username"/>, or null.</summary>
    Task<AuthUser?> GetUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>The user numbered <paramref name="id"/>, or null.</summary>
    Task<AuthUser?> GetUserByIdAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>How many users there are (0 means nobody can sign in yet).</summary>
    Task<long> CountUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces a user's password hash.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task UpdatePasswordAsync(string username, string passwordHash, CancellationToken cancellationToken = default);

    /// <summary>Makes a user an admin, or not.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task UpdateAdminAsync(string username, bool isAdmin, CancellationToken cancellationToken = default);

    /// <summary>Deletes a user with their permissions and tokens.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task DeleteUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Grants a user a level on an experiment.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS: the user has one on it already.</exception>
    Task<ExperimentPermission> CreateExperimentPermissionAsync(string experimentId, long userId, Permission permission, CancellationToken cancellationToken = default);

    /// <summary>The user's level on an experiment, or null when none was granted.</summary>
    Task<ExperimentPermission?> GetExperimentPermissionAsync(string experimentId, long userId, CancellationToken cancellationToken = default);

    /// <summary>Every experiment permission of a user, by experiment id.</summary>
    Task<IReadOnlyList<ExperimentPermission>> ListExperimentPermissionsAsync(long userId, CancellationToken cancellationToken = default);

    /// <summary>Changes a user's level on an experiment.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: none was granted.</exception>
    Task<ExperimentPermission> UpdateExperimentPermissionAsync(string experimentId, long userId, Permission permission, CancellationToken cancellationToken = default);

    /// <summary>Removes a user's level on an experiment.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: none was granted.</exception>
    Task DeleteExperimentPermissionAsync(string experimentId, long userId, CancellationToken cancellationToken = default);

    /// <summary>Grants a user a level on a registered model.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS: the user has one on it already.</exception>
    Task<RegisteredModelPermission> CreateRegisteredModelPermissionAsync(string name, long userId, Permission permission, CancellationToken cancellationToken = default);

    /// <summary>The user's level on a registered model, or null when none was granted.</summary>
    Task<RegisteredModelPermission?> GetRegisteredModelPermissionAsync(string name, long userId, CancellationToken cancellationToken = default);

    /// <summary>Every registered-model permission of a user, by name.</summary>
    Task<IReadOnlyList<RegisteredModelPermission>> ListRegisteredModelPermissionsAsync(long userId, CancellationToken cancellationToken = default);

    /// <summary>Changes a user's level on a registered model.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: none was granted.</exception>
    Task<RegisteredModelPermission> UpdateRegisteredModelPermissionAsync(string name, long userId, Permission permission, CancellationToken cancellationToken = default);

    /// <summary>Removes a user's level on a registered model.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: none was granted.</exception>
    Task DeleteRegisteredModelPermissionAsync(string name, long userId, CancellationToken cancellationToken = default);

    /// <summary>Moves every user's permissions on a registered model to its new name (a rename).</summary>
    Task RenameRegisteredModelPermissionsAsync(string oldName, string newName, CancellationToken cancellationToken = default);

    /// <summary>Removes every user's permissions on a registered model (it was deleted).</summary>
    Task DeleteRegisteredModelPermissionsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores a new token.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS: the user has a token of that name.</exception>
    Task<ApiToken> CreateTokenAsync(ApiToken token, CancellationToken cancellationToken = default);

    /// <summary>The token with public id <paramref name="id"/>, or null.</summary>
    Task<ApiToken?> GetTokenAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A user's tokens (revoked and expired ones too), newest first.</summary>
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(long userId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a user's token at <paramref name="now"/>; revoking it again keeps the first time.</summary>
    /// <returns>The token, or null when the user has no token with that id.</returns>
    Task<ApiToken?> RevokeTokenAsync(long userId, string id, long now, CancellationToken cancellationToken = default);

    /// <summary>Records that the token authenticated a request at <paramref name="now"/>.</summary>
    Task TouchTokenAsync(string id, long now, CancellationToken cancellationToken = default);
}
