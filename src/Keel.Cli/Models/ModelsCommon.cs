using Keel.Core.Artifacts;
using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;

namespace Keel.Cli.Models;

/// <summary>Arguments and options the registry commands share, and who a change is recorded under.</summary>
internal static class ModelsCommon
{
    /// <summary>The environment variable that overrides the user changes are recorded under.</summary>
    public const string UserVariable = "KEEL_USER";

    public static Argument<string> ModelArgument() => new("model")
    {
        Description = "Registered model name, or a models:/ URI (models:/credit/3, models:/credit@champion, models:/credit/Production, models:/credit/latest).",
    };

    public static Argument<string?> VersionArgument(string description = "Version number (leave out when MODEL is a models:/ URI).") => new("version")
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<string?> ReasonOption() => new("--reason", "--comment", "-m")
    {
        Description = "Why: kept as the comment of the change in the audit trail.",
    };

    public static Option<string?> StageOption(string description) => new("--stage", "-s")
    {
        Description = description + " Keel's names (development, staging, production, archived) or MLflow's (None, Staging, Production, Archived).",
    };

    public static Option<string?> AliasOption(string description) => new("--alias", "-a") { Description = description };

    /// <summary>The run id of a <c>runs:/&lt;id&gt;/path</c> source (as MLflow's register_model fills run_id), else null.</summary>
    public static string? RunOf(string source) => RunsUri.TryParse(source)?.RunId;

    /// <summary><c>--force</c>: promote into production although the version's validation gates failed.</summary>
    public static Option<bool> ForceOption() => new("--force")
    {
        Description = "Promote into production (stage, or the production/champion alias) although the version's validation gates failed; needs --reason, which the audit trail keeps.",
    };

    /// <summary>The user: $KEEL_USER, else the client's user (the OS user); with the <c>--reason</c> as comment.</summary>
    public static Actor Actor(GlobalOptions globals, ApiCommandContext ctx, string? reason)
    {
        var user = globals.Settings.GetEnvironmentVariable(UserVariable);
        return new Actor(string.IsNullOrWhiteSpace(user) ? ctx.Store.User : user, string.IsNullOrEmpty(reason) ? null : reason);
    }
}
