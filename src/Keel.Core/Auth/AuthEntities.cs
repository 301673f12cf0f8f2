namespace Keel.Core.Auth;

/// <summary>A user who can sign in. <see cref="PasswordHash"/> is the hasher's output, never the password.</summary>
/// <param name="Id">The store's number for the user (MLflow's <c>id</c>).</param>
/// <param name="Username">The unique name the user signs in with.</param>
/// <param name="PasswordHash">The password hash (<see cref="IPasswordHasher"/>).</param>
/// <param name="IsAdmin">Whether the user passes every permission check.</param>
public sealed record AuthUser(long Id, string Username, string PasswordHash, bool IsAdmin);

/// <summary>What one user may do with one experiment.</summary>
public sealed record ExperimentPermission(string ExperimentId, long UserId, Permission Permission);

/// <summary>What one user may do with one registered model (and its versions).</summary>
public sealed record RegisteredModelPermission(string Name, long UserId, Permission Permission);

/// <summary>
/// An API token of a user. The secret is never stored: <see cref="SecretHash"/> is SHA-256 of the
/// whole token text. A token acts for its user, within its <see cref="Scope"/>.
/// </summary>
/// <param name="Id">The token's public id (the part of the token before the secret); unique.</param>
/// <param name="UserId">The user the token acts for.</param>
/// <param name="Name">A name the user gave it; unique per user.</param>
/// <param name="Scope">What it may do: <see cref="TokenScopes.All"/> or <see cref="TokenScopes.Read"/>.</param>
/// <param name="SecretHash">SHA-256 of the token text.</param>
/// <param name="CreatedAt">When it was made (Unix ms).</param>
/// <param name="ExpiresAt">When it stops working (Unix ms).</param>
/// <param name="RevokedAt">When it was revoked (Unix ms), or null.</param>
/// <param name="LastUsedAt">When it last authenticated a request (Unix ms), or null.</param>
public sealed record ApiToken(
    string Id,
    long UserId,
    string Name,
    string Scope,
    byte[] SecretHash,
    long CreatedAt,
    long ExpiresAt,
    long? RevokedAt,
    long? LastUsedAt)
{
    /// <summary>Whether the token authenticates at <paramref name="now"/> (Unix ms).</summary>
    public bool IsActive(long now) => RevokedAt is null && now < ExpiresAt;
}

/// <summary>The scopes a token can have.</summary>
public static class TokenScopes
{
    /// <summary>Everything its user may do.</summary>
    public const string All = "all";

    /// <summary>Only what needs READ: reads, searches, downloads (and scoring, which reads a model).</summary>
    public const string Read = "read";
}
