using System.Security.Claims;
using Keel.Core.Auth;

namespace Keel.Server.Auth;

/// <summary>Who a request authenticated as, kept in <see cref="HttpContext.Features"/>.</summary>
/// <param name="User">The user.</param>
/// <param name="Token">The token used, or null for a password.</param>
internal sealed record AuthenticatedUser(AuthUser User, ApiToken? Token)
{
    /// <summary>The principal the audit trail reads (<c>RegistryRequests.Actor</c>): the user's name, authenticated.</summary>
    public ClaimsPrincipal Principal() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, User.Username), new Claim(ClaimTypes.NameIdentifier, User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        Token is null ? "Basic" : "Bearer"));
}

/// <summary>Reading the authenticated user from a request.</summary>
internal static class AuthenticatedUsers
{
    /// <summary>The user the request authenticated as.</summary>
    /// <exception cref="Core.Errors.KeelException">UNAUTHENTICATED when auth is off or nobody signed in.</exception>
    public static AuthenticatedUser Caller(this HttpContext context) =>
        context.Features.Get<AuthenticatedUser>()
        ?? throw new Core.Errors.KeelException(Core.Errors.ErrorCode.Unauthenticated, "This endpoint needs a signed-in user; start the server with --auth and authenticate.");
}
