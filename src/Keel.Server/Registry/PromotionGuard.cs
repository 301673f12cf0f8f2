using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Server.Registry;

/// <summary>
/// Refuses to put a version whose validation gates failed into production — the Production stage,
/// or the <c>production</c> / <c>champion</c> aliases — unless the caller forces it and says why.
/// The reason is kept in the audit trail, marked as forced.
/// </summary>
internal static class PromotionGuard
{
    /// <summary>The version tag where <c>keel train</c> and <c>keel validate</c> record the gates' verdict.</summary>
    public const string ValidationStatusTag = KeelTags.ValidationStatus;

    /// <summary>Aliases that mean "serves production traffic".</summary>
    public static readonly IReadOnlySet<string> ProductionAliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "production", "champion" };

    /// <summary>Checks a promotion; returns the actor to record (the comment marked as forced when it was).</summary>
    public static async Task<Actor> CheckAsync(IRegistryStore store, string name, string version, bool intoProduction, Actor actor, CancellationToken cancellationToken)
    {
        if (!intoProduction)
        {
            return actor;
        }

        var mv = await store.GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        var status = mv.Tags.FirstOrDefault(t => t.Key == ValidationStatusTag)?.Value;
        if (status is null || !status.StartsWith("failed", StringComparison.OrdinalIgnoreCase))
        {
            return actor;
        }

        if (!actor.Force)
        {
            throw KeelException.InvalidParameter(
                $"Version {version} of '{name}' failed its validation gates ({status}). To promote it anyway, force it and give the reason: keel models promote|alias ... --force --reason \"...\" (REST: force=true with a comment).");
        }

        if (string.IsNullOrWhiteSpace(actor.Comment))
        {
            throw KeelException.InvalidParameter("Forcing a promotion past failed validation gates needs a reason: --reason \"...\" (REST: a comment).");
        }

        return actor with { Comment = $"[forced past failed gates: {status}] {actor.Comment}" };
    }
}
