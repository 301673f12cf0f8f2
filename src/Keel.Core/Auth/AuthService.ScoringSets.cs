using Keel.Core.Errors;

namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>The most token uses one exchange reports.</summary>
    public const int MaxReportedUses = 1000;

    /// <summary>
    /// The exchange of a scoring host that has no auth store of its own (a replica of a rolling
    /// deployment): records when the tokens it reports let a request score (each to the minute, only
    /// tokens of this resource, never in the future), then answers the resource's current
    /// <see cref="ScoringTokenSet"/>, which the host checks requests against until its next exchange.
    /// A resource that has (or had) scoring tokens is guarded, as for <see cref="CheckScoringAsync"/>.
    /// </summary>
    /// <param name="kind">The kind of resource.</param>
    /// <param name="resourceName">The deployment or serving name.</param>
    /// <param name="used">What the host accepted since its last exchange (at most <see cref="MaxReportedUses"/>); null for nothing.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE: a bad name, too many uses, or a use without an id or time.</exception>
    public async Task<ScoringTokenSet> ExchangeScoringTokensAsync(ResourceKind kind, string? resourceName, IReadOnlyList<ScoringTokenUse>? used, CancellationToken cancellationToken = default)
    {
        var resource = AuthValidator.Name(resourceName, "deployment");
        used ??= [];
        if (used.Count > MaxReportedUses)
        {
            throw KeelException.InvalidParameter($"At most {MaxReportedUses} token uses per exchange, got {used.Count}.");
        }

        foreach (var use in used)
        {
            AuthValidator.Name(use?.Id, "used.id", 100);
            if (use!.At <= 0)
            {
                throw KeelException.InvalidParameter($"'used.at' must be a positive Unix time in milliseconds, got {use.At}.");
            }
        }

        var tokens = await store.ListScoringTokensAsync(kind, resource, cancellationToken).ConfigureAwait(false);
        var now = Now();
        foreach (var use in used.GroupBy(u => u.Id, StringComparer.Ordinal).Select(g => g.MaxBy(u => u.At)!))
        {
            var at = Math.Min(use.At, now);
            if (tokens.FirstOrDefault(t => t.Id == use.Id) is { } token
                && (token.LastUsedAt is not { } last || at - last >= LastUseResolution.TotalMilliseconds))
            {
                await store.TouchScoringTokenAsync(token.Id, at, cancellationToken).ConfigureAwait(false);
            }
        }

        return new ScoringTokenSet(
            tokens.Count > 0,
            [.. tokens.Where(t => t.IsActive(now)).Take(ScoringTokenSet.MaxTokens).Select(t => new ScoringVerifier(t.Id, t.SecretHash, t.ExpiresAt))],
            now);
    }
}
