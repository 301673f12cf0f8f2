using System.Security.Cryptography;
using Keel.Core.Errors;

namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>Every scoring token starts with this (a user's token starts with <see cref="TokenPrefix"/> and a hex id, so the two never mix).</summary>
    public const string ScoringTokenPrefix = "keel_score_";

    // Which resources have scoring tokens, read from the store at most this often; a change made
    // through this process is seen at once, one made by another replica within this time.
    private static readonly TimeSpan GuardedRefresh = TimeSpan.FromSeconds(5);
    private volatile GuardedSnapshot? _guarded;

    // Tokens presented, as read from the store, for at most GuardedRefresh: scoring does not read the
    // store on every request. A revocation or deletion through this process drops the entry at once;
    // one made through another replica is seen within GuardedRefresh. Unknown ids are never kept (a
    // guesser cannot fill it), and it is emptied if it ever holds MaxCachedTokens.
    private const int MaxCachedTokens = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a scoring token for a deployment or a served model. The returned text is the only copy
    /// of the secret: the store keeps its SHA-256. From now on the resource refuses scoring without one
    /// of its active tokens.
    /// </summary>
    /// <param name="kind"><see cref="ResourceKind.Deployment"/> or <see cref="ResourceKind.ServedModel"/>.</param>
    /// <param name="resourceName">The deployment or serving name.</param>
    /// <param name="name">A name unique among the resource's tokens.</param>
    /// <param name="createdBy">Who asks (recorded).</param>
    /// <param name="lifetime">How long it works. <value>Default: <see cref="AuthOptions.DefaultTokenLifetime"/>; at most <see cref="AuthOptions.MaxTokenLifetime"/>.</value></param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<(ScoringToken Token, string Secret)> CreateScoringTokenAsync(ResourceKind kind, string? resourceName, string? name, string createdBy, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createdBy);
        if (kind == ResourceKind.Monitor)
        {
            throw KeelException.InvalidParameter("Only deployments and served models take scoring tokens.");
        }

        var resource = AuthValidator.Name(resourceName, "resource_name");
        var tokenName = AuthValidator.Name(name, "name", 100);
        var life = lifetime ?? options.DefaultTokenLifetime;
        if (life <= TimeSpan.Zero || life > options.MaxTokenLifetime)
        {
            throw KeelException.InvalidParameter($"A token's lifetime must be positive and at most {options.MaxTokenLifetime.TotalDays:0} days.");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = $"{ScoringTokenPrefix}{id}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var now = Now();
        var token = new ScoringToken(id, kind, resource, tokenName, Hash(secret), createdBy, now, now + (long)life.TotalMilliseconds, null, null);
        var stored = await store.CreateScoringTokenAsync(token, cancellationToken).ConfigureAwait(false);
        ForgetGuarded();
        return (stored, secret);
    }

    /// <summary>Revokes one of a resource's scoring tokens (it keeps requiring a token).</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST: the resource has no such token.</exception>
    public async Task<ScoringToken> RevokeScoringTokenAsync(ResourceKind kind, string? resourceName, string? id, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(resourceName, "resource_name");
        var tokenId = AuthValidator.Name(id, "token_id", 100);
        var revoked = await store.RevokeScoringTokenAsync(kind, resource, tokenId, Now(), cancellationToken).ConfigureAwait(false)
            ?? throw KeelException.NotFound($"The {kind.Noun()} '{resource}' has no scoring token '{tokenId}'.");
        _tokens.TryRemove(tokenId, out _);
        return revoked;
    }

    /// <summary>Deletes one of a resource's scoring tokens; once none is left, scoring it no longer needs one.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST: the resource has no such token.</exception>
    public async Task DeleteScoringTokenAsync(ResourceKind kind, string? resourceName, string? id, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(resourceName, "resource_name");
        var tokenId = AuthValidator.Name(id, "token_id", 100);
        if (!await store.DeleteScoringTokenAsync(kind, resource, tokenId, cancellationToken).ConfigureAwait(false))
        {
            throw KeelException.NotFound($"The {kind.Noun()} '{resource}' has no scoring token '{tokenId}'.");
        }

        _tokens.TryRemove(tokenId, out _);
        ForgetGuarded();
    }

    /// <summary>
    /// Whether a request presenting <paramref name="bearer"/> (or nothing) may score a resource: a
    /// resource without scoring tokens needs none; one with tokens needs an active one of its own,
    /// compared in constant time. A used token's last use is recorded to the minute. The token is
    /// read from the store at most every 5 seconds per process (a revocation through another replica
    /// holds within that time, through this one at once).
    /// </summary>
    public async Task<ScoringCheck> CheckScoringAsync(ResourceKind kind, string resourceName, string? bearer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        if (!(await GuardedAsync(cancellationToken).ConfigureAwait(false)).Contains((kind, resourceName)))
        {
            return ScoringCheck.NotRequired;
        }

        if (bearer is null || !TryParseScoringId(bearer, out var id))
        {
            return ScoringCheck.Missing;
        }

        var now = Now();
        var token = await TokenAsync(id, now, cancellationToken).ConfigureAwait(false);
        if (token is null || !CryptographicOperations.FixedTimeEquals(token.SecretHash, Hash(bearer)) || !token.IsActive(now))
        {
            return ScoringCheck.Missing;
        }

        if (token.Kind != kind || !string.Equals(token.ResourceName, resourceName, StringComparison.Ordinal))
        {
            return ScoringCheck.OtherResource;
        }

        if (token.LastUsedAt is not { } last || now - last >= LastUseResolution.TotalMilliseconds)
        {
            await store.TouchScoringTokenAsync(token.Id, now, cancellationToken).ConfigureAwait(false);
            if (_tokens.TryGetValue(token.Id, out var cached) && ReferenceEquals(cached.Token, token))
            {
                _tokens.TryUpdate(token.Id, cached with { Token = token with { LastUsedAt = now } }, cached);
            }
        }

        return ScoringCheck.Allowed;
    }

    /// <summary>The scoring token <paramref name="id"/>: from the cache when read less than 5 seconds ago, else from the store.</summary>
    private async Task<ScoringToken?> TokenAsync(string id, long now, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(id, out var cached) && now - cached.ReadAt < GuardedRefresh.TotalMilliseconds)
        {
            return cached.Token;
        }

        var token = await store.GetScoringTokenAsync(id, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            _tokens.TryRemove(id, out _);
            return null;
        }

        if (_tokens.Count >= MaxCachedTokens)
        {
            _tokens.Clear();
        }

        _tokens[id] = new CachedToken(token, now);
        return token;
    }

    /// <summary>A token as read from the store, and when.</summary>
    private sealed record CachedToken(ScoringToken Token, long ReadAt);

    /// <summary>Whether <paramref name="text"/> looks like a scoring token (not a user's API token).</summary>
    public static bool IsScoringToken(string text) => text.StartsWith(ScoringTokenPrefix, StringComparison.Ordinal);

    private async Task<HashSet<(ResourceKind, string)>> GuardedAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        if (_guarded is { } cached && now - cached.ReadAt < GuardedRefresh.TotalMilliseconds)
        {
            return cached.Resources;
        }

        var fresh = (await store.ListTokenGuardedResourcesAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
        _guarded = new GuardedSnapshot(fresh, now);
        return fresh;
    }

    private void ForgetGuarded() => _guarded = null;

    /// <summary>The resources that had scoring tokens when the store was read, and when: replaced whole, never changed.</summary>
    private sealed record GuardedSnapshot(HashSet<(ResourceKind, string)> Resources, long ReadAt);

    private static bool TryParseScoringId(string text, out string id)
    {
        id = "";
        if (text.Length > 200 || !IsScoringToken(text))
        {
            return false;
        }

        var end = text.IndexOf('_', ScoringTokenPrefix.Length);
        if (end < 0)
        {
            return false;
        }

        id = text[ScoringTokenPrefix.Length..end];
        return id.Length > 0;
    }
}
