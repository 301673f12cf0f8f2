using Keel.Core.Errors;

namespace Keel.Core.Auth;

/// <summary>
/// The rules of users, permissions and tokens that every entry point (HTTP, <c>keel admin</c> on a
/// local store) goes through: names and passwords checked, passwords hashed, tokens generated and
/// checked in constant time, wrong passwords counted towards a lockout, default levels applied.
/// </summary>
public sealed partial class AuthService(IAuthStore store, IPasswordHasher hasher, AuthOptions options, TimeProvider time)
{
    // Checked against when the user does not exist, so an unknown name costs as much as a wrong password.
    private readonly Lazy<string> _decoyHash = new(() => hasher.Hash(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));

    // Passwords checked in the last few minutes, by user: SHA-256 of the password and the stored hash
    // it matched. HTTP Basic sends the password with every request, and PBKDF2 is slow on purpose
    // (tens of ms); a hit is compared in constant time and dies with a password change.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (byte[] Password, string Hash, long Until)> _verified = new(StringComparer.Ordinal);

    /// <summary>How long a checked password is remembered (see <c>_verified</c>).</summary>
    public static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(5);

    /// <summary>The options in force.</summary>
    public AuthOptions Options => options;

    /// <summary>The store behind the service.</summary>
    public IAuthStore Store => store;

    /// <summary>The lockout counter (one per service, so per process).</summary>
    public LoginThrottle Throttle { get; } = new(options, time);

    /// <summary>Creates a user with a checked, hashed password (a user exists then, so any setup token is spent).</summary>
    public async Task<AuthUser> CreateUserAsync(string? username, string? password, bool isAdmin = false, CancellationToken cancellationToken = default)
    {
        var name = AuthValidator.Username(username);
        var hash = hasher.Hash(AuthValidator.Password(password, options.MinPasswordLength));
        var user = await store.CreateUserAsync(name, hash, isAdmin, cancellationToken).ConfigureAwait(false);
        await store.ClearSetupTokensAsync(cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <summary>The user named <paramref name="username"/>.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    public async Task<AuthUser> GetUserAsync(string? username, CancellationToken cancellationToken = default) =>
        await store.GetUserAsync(AuthValidator.Username(username), cancellationToken).ConfigureAwait(false)
            ?? throw KeelException.NotFound($"User with username={username} not found.");

    /// <summary>Sets a new (checked, hashed) password.</summary>
    public Task UpdatePasswordAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var name = AuthValidator.Username(username);
        return store.UpdatePasswordAsync(name, hasher.Hash(AuthValidator.Password(password, options.MinPasswordLength)), cancellationToken);
    }

    /// <summary>Makes a user an admin, or not.</summary>
    public Task UpdateAdminAsync(string? username, bool isAdmin, CancellationToken cancellationToken = default) =>
        store.UpdateAdminAsync(AuthValidator.Username(username), isAdmin, cancellationToken);

    /// <summary>Deletes a user, their permissions and their tokens.</summary>
    public Task DeleteUserAsync(string? username, CancellationToken cancellationToken = default) =>
        store.DeleteUserAsync(AuthValidator.Username(username), cancellationToken);

    /// <summary>
    /// Checks a user name and password. A wrong password counts towards the user's lockout; an
    /// unknown name costs the same hashing work as a wrong password (no timing oracle).
    /// </summary>
    /// <returns>The user, or null when the name or password is wrong.</returns>
    /// <exception cref="KeelException">REQUEST_LIMIT_EXCEEDED: the user is locked out.</exception>
    public async Task<AuthUser?> AuthenticatePasswordAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        Throttle.ThrowIfLocked(username);
        var user = username.Length <= AuthValidator.MaxUsernameLength && password.Length <= AuthValidator.MaxPasswordLength
            ? await store.GetUserAsync(username, cancellationToken).ConfigureAwait(false)
            : null;
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(password));
        if (user is not null && _verified.TryGetValue(username, out var seen) && seen.Until > Now()
            && string.Equals(seen.Hash, user.PasswordHash, StringComparison.Ordinal)
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(seen.Password, digest))
        {
            return user;
        }

        var (matches, rehash) = hasher.Verify(user?.PasswordHash ?? _decoyHash.Value, password);
        if (user is null || !matches)
        {
            Throttle.Failed(username);
            return null;
        }

        Throttle.Succeeded(username);
        _verified[username] = (digest, user.PasswordHash, Now() + (long)VerifiedFor.TotalMilliseconds);
        if (rehash)
        {
            await store.UpdatePasswordAsync(user.Username, hasher.Hash(password), cancellationToken).ConfigureAwait(false);
        }

        return user;
    }

    /// <summary>The level <paramref name="user"/> has on an experiment: the one granted, else the default.</summary>
    public async Task<Permission> ExperimentPermissionOfAsync(AuthUser user, string experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAdmin
            ? Permission.Manage
            : (await store.GetExperimentPermissionAsync(experimentId, user.Id, cancellationToken).ConfigureAwait(false))?.Permission ?? options.DefaultPermission;
    }

    /// <summary>The level <paramref name="user"/> has on a registered model: the one granted, else the default.</summary>
    public async Task<Permission> RegisteredModelPermissionOfAsync(AuthUser user, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAdmin
            ? Permission.Manage
            : (await store.GetRegisteredModelPermissionAsync(name, user.Id, cancellationToken).ConfigureAwait(false))?.Permission ?? options.DefaultPermission;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
