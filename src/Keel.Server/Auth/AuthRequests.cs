using Keel.Core.Auth;

namespace Keel.Server.Auth;

internal sealed record UserRequest(string? Username, string? Password, bool? IsAdmin);

internal sealed record ExperimentPermissionRequest(string? ExperimentId, string? Username, string? Permission);

internal sealed record RegisteredModelPermissionRequest(string? Name, string? Username, string? Permission);

internal sealed record SetupRequest(string? SetupToken, string? Username, string? Password);

internal sealed record CreateTokenRequest(string? Name, string? Scope, double? ExpiresInDays);

internal sealed record RevokeTokenRequest(string? TokenId);

/// <summary>MLflow's user JSON: id, username, is_admin and the user's permissions.</summary>
internal sealed record UserJson(long Id, string Username, bool IsAdmin, IReadOnlyList<ExperimentPermissionJson> ExperimentPermissions, IReadOnlyList<RegisteredModelPermissionJson> RegisteredModelPermissions);

internal sealed record ExperimentPermissionJson(string ExperimentId, long UserId, string Permission)
{
    public static ExperimentPermissionJson Of(ExperimentPermission p) => new(p.ExperimentId, p.UserId, p.Permission.ToWireName());
}

internal sealed record RegisteredModelPermissionJson(string Name, long UserId, string Permission)
{
    public static RegisteredModelPermissionJson Of(RegisteredModelPermission p) => new(p.Name, p.UserId, p.Permission.ToWireName());
}

internal sealed record UserResponse(UserJson User);

internal sealed record ExperimentPermissionResponse(ExperimentPermissionJson ExperimentPermission);

internal sealed record RegisteredModelPermissionResponse(RegisteredModelPermissionJson RegisteredModelPermission);

/// <summary>A token as listed: never its secret or hash.</summary>
internal sealed record TokenJson(string TokenId, string Name, string Scope, long CreatedAt, long ExpiresAt, long? RevokedAt, long? LastUsedAt)
{
    public static TokenJson Of(ApiToken t) => new(t.Id, t.Name, t.Scope, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}

/// <summary>A new token: <see cref="Token"/> is the secret, shown this once.</summary>
internal sealed record CreateTokenResponse(TokenJson TokenInfo, string Token);

internal sealed record TokensResponse(IReadOnlyList<TokenJson> Tokens);

internal sealed record TokenResponse(TokenJson TokenInfo);
