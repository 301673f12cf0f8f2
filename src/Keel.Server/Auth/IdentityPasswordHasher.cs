using Keel.Core.Auth;
using Microsoft.AspNetCore.Identity;

namespace Keel.Server.Auth;

/// <summary>
/// <see cref="IPasswordHasher"/> on ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (Microsoft.Extensions.Identity.Core, in the ASP.NET Core shared framework): PBKDF2 with
/// HMAC-SHA512, a random salt, its iteration count stored in the hash, and a constant-time comparison.
/// </summary>
public sealed class IdentityPasswordHasher : Core.Auth.IPasswordHasher
{
    // The user argument is unused by the default implementation; it exists for custom hashers.
    private static readonly AuthUser Nobody = new(0, "", "", false);
    private readonly PasswordHasher<AuthUser> _hasher = new();

    /// <inheritdoc />
    public string Hash(string password) => _hasher.HashPassword(Nobody, password);

    /// <inheritdoc />
    public (bool Matches, bool Rehash) Verify(string hash, string password)
    {
        PasswordVerificationResult result;
        try
        {
            result = _hasher.VerifyHashedPassword(Nobody, hash, password);
        }
        catch (FormatException)
        {
            // A stored hash that is not the hasher's format matches nothing.
            result = PasswordVerificationResult.Failed;
        }

        return (result != PasswordVerificationResult.Failed, result == PasswordVerificationResult.SuccessRehashNeeded);
    }
}
