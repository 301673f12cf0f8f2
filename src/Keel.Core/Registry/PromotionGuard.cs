using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Core.Registry;

/// <summary>
/// Refuses to put a version whose validation gates failed into production — the Production stage,
/// or the <c>production</c> / <c>champion</c> aliases — unless the caller forces it and says why.
/// The reason is kept in the audit trail, marked as forced. Every registry store applies it inside
/// the write that moves the stage or the alias, so the server, the CLI on a local store and the
/// REST client all meet it.
/// </summary>
public static class PromotionGuard
{
    /// <summary>The version tag where <c>keel train</c> and <c>keel validate</c> record the gates' verdict.</summary>
    public const string ValidationStatusTag = KeelTags.ValidationStatus;

    /// <summary>Aliases that mean "serves production traffic".</summary>
    public static readonly IReadOnlySet<string> ProductionAliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "production", "champion" };

    /// <summary>Whether moving to <paramref name="stage"/> (MLflow's wire spelling) puts a version into production.</summary>
    public static bool IsProductionStage(string stage) => string.Equals(stage, "Production", StringComparison.Ordinal);

    /// <summary>Checks a promotion; returns the actor to record (the comment marked as forced when it was).</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version being promoted.</param>
    /// <param name="validationStatus">The version's <see cref="ValidationStatusTag"/> value, null when it has none.</param>
    /// <param name="intoProduction">Whether the change puts the version into production.</param>
    /// <param name="actor">Who asks, with <see cref="Actor.Force"/> and the reason in <see cref="Actor.Comment"/>.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the gates failed and the promotion is not forced with a reason.</exception>
    public static Actor Check(string name, string version, string? validationStatus, bool intoProduction, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!intoProduction || validationStatus is null || !validationStatus.StartsWith("failed", StringComparison.OrdinalIgnoreCase))
        {
            return actor;
        }

        if (!actor.Force)
        {
            throw KeelException.InvalidParameter(
                $"Version {version} of '{name}' failed its validation gates ({validationStatus}). To promote it anyway, force it and give the reason: keel models promote|alias ... --force --reason \"...\" (REST: force=true with a comment).");
        }

        if (string.IsNullOrWhiteSpace(actor.Comment))
        {
            throw KeelException.InvalidParameter("Forcing a promotion past failed validation gates needs a reason: --reason \"...\" (REST: a comment).");
        }

        return actor with { Comment = $"[forced past failed gates: {validationStatus}] {actor.Comment}" };
    }
}
