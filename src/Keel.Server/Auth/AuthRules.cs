using Keel.Core.Auth;
using Microsoft.AspNetCore.Routing.Patterns;
using static Keel.Server.Auth.Locators;

namespace Keel.Server.Auth;

/// <summary>
/// The one table of permission rules: every endpoint of the app, keyed by method and route pattern
/// (MLflow's <c>/ajax-api</c> twins share the <c>/api</c> rule). An endpoint missing from it is
/// refused to everyone but admins (fail closed), and <c>AuthRulesCoverEveryEndpointTests</c> fails.
/// docs/auth.md prints this table.
/// </summary>
internal static partial class AuthRules
{
    private const string Mlflow = "/api/2.0/mlflow/";
    private const string Artifacts = "/api/2.0/mlflow-artifacts/";
    private const string Keel = "/api/2.0/keel/";

    private static readonly AuthRule Public = new(RuleKind.Public, Access.Read);
    private static readonly AuthRule SignedIn = new(RuleKind.Authenticated, Access.Read);
    private static readonly AuthRule SignedInWrite = new(RuleKind.Authenticated, Access.Update);
    private static readonly AuthRule AdminOnly = new(RuleKind.Admin, Access.Manage);

    /// <summary>Rules by "METHOD /pattern".</summary>
    public static IReadOnlyDictionary<string, AuthRule> Table { get; } = Build();

    /// <summary>The rule of <paramref name="endpoint"/>, or null when the table has none.</summary>
    public static AuthRule? For(Endpoint endpoint)
    {
        if (endpoint is not RouteEndpoint route)
        {
            return null;
        }

        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
        AuthRule? rule = null;
        foreach (var method in methods)
        {
            // An endpoint for several methods (GET and HEAD) takes the rule of the first it has.
            if (Table.TryGetValue(Key(method, route.RoutePattern), out var r))
            {
                rule ??= r;
            }
            else
            {
                return null;
            }
        }

        return rule;
    }

    /// <summary>The table key of a method and pattern: <c>/ajax-api/</c> folded into <c>/api/</c>.</summary>
    public static string Key(string method, RoutePattern pattern)
    {
        var raw = pattern.RawText ?? "";
        if (!raw.StartsWith('/'))
        {
            raw = "/" + raw;
        }

        if (raw.StartsWith("/ajax-api/", StringComparison.Ordinal))
        {
            raw = "/api/" + raw["/ajax-api/".Length..];
        }

        return method + " " + raw;
    }

    /// <summary>The row docs/auth.md shows for one rule: method, path, resource, level needed, where the id comes from.</summary>
    public static string DocRow(string key, AuthRule rule)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        var (kind, level) = rule.Kind switch
        {
            RuleKind.Public => ("public", "none"),
            RuleKind.Authenticated => ("signed-in user", rule.Access == Access.Read ? "any (read scope ok)" : "any (scope all)"),
            RuleKind.Admin => ("admin", "admin"),
            RuleKind.Self => ("the user named", "self or admin"),
            RuleKind.Experiment => ("experiment", LevelOf(rule.Access)),
            RuleKind.RegisteredModel => ("registered model", LevelOf(rule.Access)),
            RuleKind.Keel => (rule.ServedOrDeployment ? "served model or deployment" : rule.Resource.Noun(), LevelOf(rule.Access)),
            _ => ("?", "?"),
        };
        if (rule.CreateIfAbsent)
        {
            level += "; new: any user (scope all), who then manages it";
        }

        if (rule.Also is { } also)
        {
            level += $"; and {LevelOf(also.Access)} on the registered model `{also.Describe}`";
        }

        if (rule.Scoring)
        {
            level += "; or its scoring token";
        }
        var where = rule.Describe.Length > 0 ? "`" + rule.Describe.Replace("`", "", StringComparison.Ordinal) + "`" : "";
        var after = rule.After is null ? "" : " (+ after-request step)";
        return $"| {key[..space]} | `{key[(space + 1)..]}` | {kind} | {level}{after} | {where} |";
    }

    private static string LevelOf(Access access) => access switch
    {
        Access.Read => "READ",
        Access.Update => "EDIT",
        _ => "MANAGE",
    };

    private static AuthRule Exp(Access access, ResourceLocator locate, string describe) => new(RuleKind.Experiment, access, locate, describe);

    private static AuthRule Model(Access access, string field = "name") => new(RuleKind.RegisteredModel, access, Field(field), field);
}
