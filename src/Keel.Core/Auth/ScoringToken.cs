namespace Keel.Core.Auth;

/// <summary>
/// A token that lets its holder score one deployment or served model, and nothing else. It belongs
/// to the resource, not to a user: a scoring client is a service, and deleting or locking out the
/// user who made it must not stop production traffic. A resource with at least one scoring token
/// (revoked and expired ones count) refuses scoring without one of its own active tokens, whether
/// server auth is on or off. The secret is never stored: <see cref="SecretHash"/> is SHA-256 of the
/// token text.
/// </summary>
/// <param name="Id">The public id (the part of the token text before the secret); unique.</param>
/// <param name="Kind">The kind of resource: <see cref="ResourceKind.Deployment"/> or <see cref="ResourceKind.ServedModel"/>.</param>
/// <param name="ResourceName">The deployment or serving name.</param>
/// <param name="Name">A name unique among the resource's tokens.</param>
/// <param name="SecretHash">SHA-256 of the token text.</param>
/// <param name="CreatedBy">Who made it (a user name, or <c>anonymous</c> with auth off).</param>
/// <param name="CreatedAt">When it was made (Unix ms).</param>
/// <param name="ExpiresAt">When it stops working (Unix ms).</param>
/// <param name="RevokedAt">When it was revoked (Unix ms), or null.</param>
/// <param name="LastUsedAt">When it last let a request score (Unix ms, to the minute), or null.</param>
public sealed record ScoringToken(
    string Id,
    ResourceKind Kind,
    string ResourceName,
    string Name,
    byte[] SecretHash,
    string CreatedBy,
    long CreatedAt,
    long ExpiresAt,
    long? RevokedAt,
    long? LastUsedAt)
{
    /// <summary>Whether the token lets a request score at <paramref name="now"/> (Unix ms).</summary>
    public bool IsActive(long now) => RevokedAt is null && now < ExpiresAt;
}

/// <summary>What a scoring request's credentials amount to for the resource it scores.</summary>
public enum ScoringCheck
{
    /// <summary>The resource has no scoring token: the usual rules apply (a signed-in user with READ when auth is on).</summary>
    NotRequired,

    /// <summary>An active token of this resource: the request may score.</summary>
    Allowed,

    /// <summary>No token, or one that is unknown, wrong, revoked or expired: 401.</summary>
    Missing,

    /// <summary>A valid token of another resource: 403.</summary>
    OtherResource,
}
