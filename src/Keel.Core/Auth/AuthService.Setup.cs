using System.Security.Cryptography;
using Keel.Core.Errors;

namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>Every setup token starts with this.</summary>
    public const string SetupTokenPrefix = "keel_setup_";

    /// <summary>
    /// Makes a one-time setup token when no user exists, keeps its SHA-256 in the store (so any
    /// replica on the same store accepts it, once) and returns its text to print; null when a user exists.
    /// </summary>
    public async Task<string?> IssueSetupTokenAsync(CancellationToken cancellationToken = default)
    {
        if (await store.CountUsersAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return null;
        }

        var text = SetupTokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await store.AddSetupTokenAsync(Hash(text), Now(), cancellationToken).ConfigureAwait(false);
        return text;
    }

    /// <summary>Creates the first admin if <paramref name="token"/> is a kept setup token and still no user exists; spends every setup token.</summary>
    /// <exception cref="KeelException">PERMISSION_DENIED: not a kept setup token (or spent); INVALID_STATE: a user exists already.</exception>
    public async Task<AuthUser> CreateFirstAdminAsync(string? token, string? username, string? password, CancellationToken cancellationToken = default)
    {
        // Checked before the token is spent, so a bad name or password does not waste it.
        var name = AuthValidator.Username(username);
        AuthValidator.Password(password, options.MinPasswordLength);
        if (token is null || token.Length > 200 || !await store.SpendSetupTokenAsync(Hash(token), cancellationToken).ConfigureAwait(false))
        {
            throw new KeelException(ErrorCode.PermissionDenied, "Permission denied: no setup token is pending, or this is not it.");
        }

        if (await store.CountUsersAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new KeelException(ErrorCode.InvalidState, "A user exists already; the setup token is spent.");
        }

        return await CreateUserAsync(name, password, isAdmin: true, cancellationToken).ConfigureAwait(false);
    }
}
