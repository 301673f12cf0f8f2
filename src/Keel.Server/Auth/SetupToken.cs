using Keel.Core.Auth;

namespace Keel.Server.Auth;

/// <summary>
/// The one-time token that creates the first admin when auth is on and no user exists (Keel ships
/// no default password). Made at start-up and printed to the log once; its SHA-256 is kept in the
/// auth store, so any replica on the same store accepts it, once
/// (<see cref="AuthService.CreateFirstAdminAsync"/>). This process only remembers whether it issued
/// one, to say so in a 401 and to spend the stored tokens once someone signs in.
/// </summary>
internal sealed class SetupToken(AuthService auth)
{
    private int _pending;

    /// <summary>Whether this process issued a setup token that nobody has used yet (as far as it knows).</summary>
    public bool Pending => Volatile.Read(ref _pending) == 1;

    /// <summary>
    /// Whether a setup token is still the way in: this process issued one and still no user exists
    /// (a user made since, by <c>keel admin create-user</c> or another replica, ends it).
    /// </summary>
    public async Task<bool> PendingAsync(CancellationToken cancellationToken)
    {
        if (!Pending)
        {
            return false;
        }

        if (await auth.Store.CountUsersAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return true;
        }

        Volatile.Write(ref _pending, 0);
        return false;
    }

    /// <summary>Someone signed in, so a user exists: the stored setup tokens are spent (once per process).</summary>
    public async Task WithdrawAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _pending, 0) == 1)
        {
            await auth.Store.ClearSetupTokensAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes a new token when no user exists, keeps its hash in the store and returns its text (to print once); null when a user exists.</summary>
    public async Task<string?> IssueAsync(CancellationToken cancellationToken = default)
    {
        var text = await auth.IssueSetupTokenAsync(cancellationToken).ConfigureAwait(false);
        if (text is not null)
        {
            Volatile.Write(ref _pending, 1);
        }

        return text;
    }

    /// <summary>Creates the first admin with a setup token (issued by any replica on the store).</summary>
    public async Task<AuthUser> CreateFirstAdminAsync(string? token, string? username, string? password, CancellationToken cancellationToken)
    {
        var user = await auth.CreateFirstAdminAsync(token, username, password, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _pending, 0);
        return user;
    }
}
