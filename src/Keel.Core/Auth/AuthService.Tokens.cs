using System.Security.Cryptography;
using System.Text;
using Keel.Core.Errors;

namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>Every token starts with this, so a leaked one is recognisable (secret scanners).</summary>
    public const string TokenPrefix = "keel_";

    /// <summary>How precisely a token's last use is recorded.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Creates a token for <paramref name="user"/>. The returned text is the only copy of the
    /// secret: the store keeps its SHA-256.
    /// </summary>
    /// <param name="user">Whose token it is.</param>
    /// <param name="name">A name unique among the user's tokens.</param>
    /// <param name="scope"><c>all</c> (default) or <c>read</c>.</param>
    /// <param name="lifetime">How long it works. <value>Default: <see cref="AuthOptions.DefaultTokenLifetime"/>; at most <see cref="AuthOptions.MaxTokenLifetime"/>.</value></param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<(ApiToken Token, string Secret)> CreateTokenAsync(AuthUser user, string? name, string? scope, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tokenName = AuthValidator.Name(name, "name", 100);
        var tokenScope = AuthValidator.Scope(scope);
        var life = lifetime ?? options.DefaultTokenLifetime;
        if (life <= TimeSpan.Zero || life > options.MaxTokenLifetime)
        {
            throw KeelException.InvalidParameter($"A token's lifetime must be positive and at most {options.MaxTokenLifetime.TotalDays:0} days.");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = $"{TokenPrefix}{id}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var now = Now();
        var token = new ApiToken(id, user.Id, tokenName, tokenScope, Hash(secret), now, now + (long)life.TotalMilliseconds, null, null);
        return (await store.CreateTokenAsync(token, cancellationToken).ConfigureAwait(false), secret);
    }

    /// <summary>
    /// The user and token <paramref name="text"/> authenticates: a token that exists, matches (SHA-256
    /// compared in constant time), is not revoked and has not expired. Its last use is recorded.
    /// </summary>
    /// <returns>Null for anything else (the caller answers 401 without saying which).</returns>
    public async Task<(AuthUser User, ApiToken Token)?> AuthenticateTokenAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParseId(text, out var id))
        {
            return null;
        }

        var token = await store.GetTokenAsync(id, cancellationToken).ConfigureAwait(false);
        if (token is null || !CryptographicOperations.FixedTimeEquals(token.SecretHash, Hash(text)))
        {
            return null;
        }

        var now = Now();
        if (!token.IsActive(now))
        {
            return null;
        }

        var user = await store.GetUserByIdAsync(token.UserId, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return null;
        }

        // The last use is kept to the minute: a token used for every request costs one write a minute, not one per request.
        if (token.LastUsedAt is not { } last || now - last >= LastUseResolution.TotalMilliseconds)
        {
            await store.TouchTokenAsync(token.Id, now, cancellationToken).ConfigureAwait(false);
            token = token with { LastUsedAt = now };
        }

        return (user, token);
    }

    /// <summary>Revokes one of <paramref name="user"/>'s tokens.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST: the user has no such token.</exception>
    public async Task<ApiToken> RevokeTokenAsync(AuthUser user, string? id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tokenId = AuthValidator.Name(id, "token_id", 100);
        return await store.RevokeTokenAsync(user.Id, tokenId, Now(), cancellationToken).ConfigureAwait(false)
            ?? throw KeelException.NotFound($"Token '{tokenId}' not found for user {user.Username}.");
    }

    /// <summary>SHA-256 of a token's text.</summary>
    public static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private static bool TryParseId(string text, out string id)
    {
        id = "";
        if (text.Length > 200 || !text.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var end = text.IndexOf('_', TokenPrefix.Length);
        if (end < 0)
        {
            return false;
        }

        id = text[TokenPrefix.Length..end];
        return id.Length > 0;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
