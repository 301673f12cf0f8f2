using System.Security.Cryptography;
using System.Text;

namespace Keel.Core.Auth;

/// <summary>What a scoring host needs to check one active scoring token: its id, the SHA-256 of its text and its expiry.</summary>
/// <param name="Id">The token's public id.</param>
/// <param name="SecretHash">SHA-256 of the token text (32 bytes).</param>
/// <param name="ExpiresAt">When it stops working (Unix ms).</param>
public sealed record ScoringVerifier(string Id, byte[] SecretHash, long ExpiresAt);

/// <summary>A scoring host's report that a token let a request score (its last use).</summary>
/// <param name="Id">The token's public id.</param>
/// <param name="At">When (Unix ms, the host's clock).</param>
public sealed record ScoringTokenUse(string Id, long At);

/// <summary>
/// The scoring tokens a host that has no auth store of its own checks requests against: a replica of
/// a rolling deployment (<c>keel serve --deployment</c>) holds its deployment's set, read from the
/// tracking server every heartbeat; a standalone <c>keel serve</c> the secrets it was given. Immutable:
/// a refresh replaces the whole set. The text a request presents is hashed once and compared with
/// every verifier in constant time, so neither timing nor the id tells a guesser anything.
/// </summary>
public sealed class ScoringTokenSet
{
    /// <summary>The most tokens one set holds (a resource has a handful; the check compares with each).</summary>
    public const int MaxTokens = 1000;

    private readonly ScoringVerifier[] _tokens;

    /// <summary>Creates a set.</summary>
    /// <param name="guarded">Whether the resource requires a token at all (it has, or had, scoring tokens); when false every request may score.</param>
    /// <param name="tokens">The active tokens.</param>
    /// <param name="readAt">When the set was read (Unix ms, the reader's clock).</param>
    /// <exception cref="ArgumentException">More than <see cref="MaxTokens"/> tokens, or a hash that is not 32 bytes.</exception>
    public ScoringTokenSet(bool guarded, IReadOnlyList<ScoringVerifier> tokens, long readAt)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count > MaxTokens || tokens.Any(t => t.SecretHash is not { Length: SHA256.HashSizeInBytes }))
        {
            throw new ArgumentException($"A scoring token set holds at most {MaxTokens} tokens, each with a 32-byte SHA-256.", nameof(tokens));
        }

        Guarded = guarded;
        _tokens = [.. tokens];
        ReadAt = readAt;
    }

    /// <summary>Whether requests need a token.</summary>
    public bool Guarded { get; }

    /// <summary>When the set was read (Unix ms).</summary>
    public long ReadAt { get; }

    /// <summary>The active tokens.</summary>
    public IReadOnlyList<ScoringVerifier> Tokens => _tokens;

    /// <summary>
    /// A set of shared secrets given to a standalone host (<c>KEEL_SERVE_TOKENS</c>): guarded, never
    /// expiring, ids <c>env-1</c>, <c>env-2</c>, ... in the order given.
    /// </summary>
    /// <param name="secrets">The secrets, each at least <paramref name="minLength"/> characters.</param>
    /// <param name="minLength">The shortest secret accepted. <value>Default: 32.</value></param>
    /// <exception cref="ArgumentException">No secret, or one that is too short or has white space or control characters.</exception>
    public static ScoringTokenSet FromSecrets(IReadOnlyList<string> secrets, int minLength = 32)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("No scoring token given.", nameof(secrets));
        }

        for (var i = 0; i < secrets.Count; i++)
        {
            if (secrets[i].Length < minLength || secrets[i].Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ArgumentException($"Scoring token {i + 1} is {(secrets[i].Length < minLength ? $"shorter than {minLength} characters" : "not one word (it has white space or control characters)")}: use a long random secret, e.g. `openssl rand -base64 32`.", nameof(secrets));
            }
        }

        return new ScoringTokenSet(true, [.. secrets.Select((s, i) => new ScoringVerifier($"env-{i + 1}", AuthService.Hash(s), long.MaxValue))], 0);
    }

    /// <summary>
    /// The active token <paramref name="bearer"/> is, or null: unknown, wrong, expired, absent, or
    /// longer than any token (200 characters). Every verifier is compared, matching or not.
    /// </summary>
    /// <param name="bearer">The text after <c>Bearer </c>, or null.</param>
    /// <param name="now">Unix ms.</param>
    public ScoringVerifier? Match(string? bearer, long now)
    {
        if (bearer is null || bearer.Length is 0 or > 200)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> text = stackalloc byte[Encoding.UTF8.GetMaxByteCount(200)];
        SHA256.HashData(text[..Encoding.UTF8.GetBytes(bearer, text)], hash);
        ScoringVerifier? found = null;
        foreach (var token in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(token.SecretHash, hash) && now < token.ExpiresAt)
            {
                found = token;
            }
        }

        return found;
    }
}
