using System.Security.Cryptography;
using Keel.Core.Auth;
using Keel.Core.Errors;

namespace Keel.Server.Auth;

/// <summary>
/// The one-time token that creates the first admin when auth is on and no user exists (Keel ships
/// no default password). Made at start-up, printed to the log once, kept only in memory (as its
/// SHA-256), and spent by the first successful <c>POST /api/2.0/keel/auth/setup</c>.
/// </summary>
internal sealed class SetupToken
{
    private readonly Lock _gate = new();
    private byte[]? _hash;

    /// <summary>Whether a setup token is waiting to be used.</summary>
    public bool Pending
    {
        get
        {
            lock (_gate)
            {
                return _hash is not null;
            }
        }
    }

    /// <summary>Forgets the token (someone signed in, so a user exists).</summary>
    public void Withdraw()
    {
        lock (_gate)
        {
            _hash = null;
        }
    }

    /// <summary>Makes a new token and returns its text (to print once).</summary>
    public string Issue()
    {
        var text = "keel_setup_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _hash = AuthService.Hash(text);
        }

        return text;
    }

    /// <summary>Creates the first admin if <paramref name="token"/> is the pending setup token and still no user exists.</summary>
    /// <exception cref="KeelException">PERMISSION_DENIED: no token pending, or a wrong one; INVALID_STATE: a user exists already.</exception>
    public async Task<AuthUser> CreateFirstAdminAsync(AuthService auth, string? token, string? username, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auth);
        lock (_gate)
        {
            if (_hash is null || token is null || !CryptographicOperations.FixedTimeEquals(_hash, AuthService.Hash(token)))
            {
                throw new KeelException(ErrorCode.PermissionDenied, "Permission denied: no setup token is pending, or this is not it.");
            }
        }

        if (await auth.Store.CountUsersAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            lock (_gate)
            {
                _hash = null;
            }

            throw new KeelException(ErrorCode.InvalidState, "A user exists already; the setup token is spent.");
        }

        var user = await auth.CreateUserAsync(username, password, isAdmin: true, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _hash = null;
        }

        return user;
    }
}
