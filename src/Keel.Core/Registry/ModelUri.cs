using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Registry;

/// <summary>How a <see cref="ModelUri"/> picks a version of its registered model.</summary>
public enum ModelUriKind
{
    /// <summary><c>models:/name/3</c>: one version number.</summary>
    Version,

    /// <summary><c>models:/name@champion</c>: the version an alias points to.</summary>
    Alias,

    /// <summary><c>models:/name/Production</c>: the latest version in a stage.</summary>
    Stage,

    /// <summary><c>models:/name/latest</c>: the latest version of any stage.</summary>
    Latest,
}

/// <summary>
/// A parsed <c>models:</c> URI, as MLflow spells them: <c>models:/name/3</c>,
/// <c>models:/name@alias</c>, <c>models:/name/Production</c> (also Staging, Archived, None and
/// Keel's development, staging, production, archived; any case) and <c>models:/name/latest</c>.
/// </summary>
/// <remarks>
/// The name is everything between <c>models:/</c> and the next <c>/</c> (or the last <c>@</c>):
/// it may hold spaces and most characters, but not <c>/</c>, control characters, <c>?</c> or
/// <c>#</c> (which would read as a query or a fragment), and it is never percent-decoded.
/// <c>models://profile/...</c> (a Databricks profile) is not accepted.
/// </remarks>
public sealed record ModelUri
{
    /// <summary>The URI scheme.</summary>
    public const string Scheme = "models";

    /// <summary>The longest registered model name accepted in a URI.</summary>
    /// <value>256 (the width of MLflow's <c>registered_models.name</c> column).</value>
    public const int MaxNameLength = 256;

    private const string Prefix = Scheme + ":/";

    private ModelUri(string name, ModelUriKind kind, long? version, ModelStage? stage, string? alias)
    {
        Name = name;
        Kind = kind;
        Version = version;
        Stage = stage;
        Alias = alias;
    }

    /// <summary>The registered model name.</summary>
    public string Name { get; }

    /// <summary>How the version is chosen.</summary>
    public ModelUriKind Kind { get; }

    /// <summary>The version number, for <see cref="ModelUriKind.Version"/>.</summary>
    public long? Version { get; }

    /// <summary>The stage, for <see cref="ModelUriKind.Stage"/>.</summary>
    public ModelStage? Stage { get; }

    /// <summary>The alias, for <see cref="ModelUriKind.Alias"/>.</summary>
    public string? Alias { get; }

    /// <summary>Whether <paramref name="uri"/> starts with <c>models:</c> (any case).</summary>
    public static bool IsModelUri(string? uri) =>
        uri is not null && uri.StartsWith(Scheme + ":", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a <c>models:</c> URI.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE saying what is wrong.</exception>
    public static ModelUri Parse(string? uri)
    {
        var problem = Read(uri, out var parsed);
        return problem is null ? parsed! : throw KeelException.InvalidParameter(problem);
    }

    /// <summary>Parses a <c>models:</c> URI without throwing.</summary>
    /// <returns>Whether <paramref name="uri"/> is valid; <see cref="Parse"/> says why not.</returns>
    public static bool TryParse(string? uri, [NotNullWhen(true)] out ModelUri? parsed) =>
        Read(uri, out parsed) is null;

    /// <summary>Parses; returns null and the URI, or the problem and null.</summary>
    private static string? Read(string? uri, out ModelUri? parsed)
    {
        parsed = null;
        if (string.IsNullOrEmpty(uri))
        {
            return "Model URI must not be empty.";
        }

        var shown = ModelStages.Truncate(uri);
        if (!uri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return $"Not a valid models URI: '{shown}'. Expected models:/<name>/<version|stage|latest> or models:/<name>@<alias>.";
        }

        var path = uri[Prefix.Length..];
        if (path.StartsWith('/'))
        {
            return $"Not a valid models URI: '{shown}'. A profile (models://...) is not supported; use models:/<name>/<version>.";
        }

        if (path.IndexOfAny(['?', '#']) >= 0 || path.Any(char.IsControl))
        {
            return $"Not a valid models URI: '{shown}'. Queries, fragments and control characters are not allowed.";
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            var at = path.LastIndexOf('@');
            if (at < 0)
            {
                return $"Not a valid models URI: '{shown}'. Missing a version, stage, 'latest' or '@alias' after the model name.";
            }

            var aliasName = path[..at];
            var alias = path[(at + 1)..];
            var nameProblem = NameProblem(aliasName, shown);
            if (nameProblem is not null)
            {
                return nameProblem;
            }

            var aliasProblem = AliasValidator.Problem(alias);
            if (aliasProblem is not null)
            {
                return $"Not a valid models URI: '{shown}'. {aliasProblem}";
            }

            parsed = new ModelUri(aliasName, ModelUriKind.Alias, null, null, alias);
            return null;
        }

        var name = path[..slash];
        var suffix = path[(slash + 1)..];
        var problem = NameProblem(name, shown);
        if (problem is not null)
        {
            return problem;
        }

        if (suffix.Length == 0)
        {
            return $"Not a valid models URI: '{shown}'. Missing a version, stage or 'latest' after '{name}/'.";
        }

        if (suffix.Contains('/', StringComparison.Ordinal))
        {
            return $"Not a valid models URI: '{shown}'. Expected models:/<name>/<version|stage|latest> with nothing after it.";
        }

        if (suffix.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                return $"Not a valid models URI: '{shown}'. Version numbers start at 1.";
            }

            parsed = new ModelUri(name, ModelUriKind.Version, version, null, null);
            return null;
        }

        if (string.Equals(suffix, "latest", StringComparison.OrdinalIgnoreCase))
        {
            parsed = new ModelUri(name, ModelUriKind.Latest, null, null, null);
            return null;
        }

        if (ModelStages.TryParse(suffix, out var stage))
        {
            parsed = new ModelUri(name, ModelUriKind.Stage, null, stage, null);
            return null;
        }

        return $"Not a valid models URI: '{shown}'. '{ModelStages.Truncate(suffix)}' is not a version number, 'latest' or a stage (None, Staging, Production, Archived).";
    }

    /// <summary>
    /// The canonical spelling: <c>models:/name/3</c>, <c>models:/name@alias</c>,
    /// <c>models:/name/Production</c> (MLflow's stage names) or <c>models:/name/latest</c>.
    /// </summary>
    public override string ToString() => Kind switch
    {
        ModelUriKind.Version => $"{Prefix}{Name}/{Version!.Value.ToString(CultureInfo.InvariantCulture)}",
        ModelUriKind.Alias => $"{Prefix}{Name}@{Alias}",
        ModelUriKind.Stage => $"{Prefix}{Name}/{ModelStages.ToWireName(Stage!.Value)}",
        _ => $"{Prefix}{Name}/latest",
    };

    private static string? NameProblem(string name, string shown)
    {
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            return $"Not a valid models URI: '{shown}'. The registered model name is empty.";
        }

        if (name.Length > MaxNameLength)
        {
            return $"Not a valid models URI: '{shown}'. The registered model name is longer than {MaxNameLength} characters.";
        }

        return null;
    }
}
