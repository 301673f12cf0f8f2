using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Registry;

/// <summary>
/// The model registry's input rules, applied by every store (so the CLI on a local store meets
/// them too) and by the server before it calls one. Each throws INVALID_PARAMETER_VALUE naming the field.
/// </summary>
public static class RegistryValidator
{
    /// <summary>MLflow's limit for registry tag values (the <c>value</c> column of its tag tables).</summary>
    public const int MaxTagValueLength = 5000;

    /// <summary>
    /// A registered model name: 1 to 256 characters of valid Unicode, not blank, not <c>.</c> or
    /// <c>..</c>, and without <c>/</c>, <c>?</c>, <c>#</c>, <c>@</c> or control characters, so that
    /// every name can be written in a <c>models:/</c> URI and resolved back.
    /// </summary>
    /// <returns>The name.</returns>
    public static string ModelName(string? name, string field = "name") => UriName(name, field, "registered model name");

    /// <summary>
    /// The name a model is served under (<c>/serving/{name}/invocations</c>, <c>/v2/models/{name}</c>):
    /// the same rule as <see cref="ModelName"/>, since the name is one URL path segment.
    /// </summary>
    /// <returns>The name.</returns>
    public static string ServingName(string? name, string field = "name") => UriName(name, field, "serving name");

    private static string UriName(string? name, string field, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }

        TextValidator.SingleLine(name, field, ModelUri.MaxNameLength);
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.AsSpan().IndexOfAny("/?#@") >= 0)
        {
            throw KeelException.InvalidParameter(
                $"Invalid {what} '{Shown(name)}' in '{field}': names must not be blank, '.' or '..', nor contain '/', '?', '#', '@' or control characters (they could not be used in a models:/ URI or a URL path).");
        }

        return name;
    }

    /// <summary>
    /// The name of a model that should already exist: present and valid Unicode, nothing more, so a
    /// model stored under a name today's rules refuse can still be read, renamed and deleted.
    /// </summary>
    /// <returns>The name.</returns>
    public static string ExistingModelName(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }

        TextValidator.Unicode(name, field);
        return name;
    }

    /// <summary>A registered model or model version tag: MLflow's key rules and a value of at most 5,000 characters.</summary>
    public static void Tag(string? key, string? value)
    {
        TrackingValidator.ValidateKey(key, "tag");
        TextValidator.Unicode(key, "key");
        if (value is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter 'value' of tag '{key}'.");
        }

        TextValidator.Text(value, "value", MaxTagValueLength);
    }

    /// <summary>Checks every tag of a create request.</summary>
    public static void Tags<T>(IEnumerable<T>? tags, Func<T, (string? Key, string? Value)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var tag in tags ?? [])
        {
            var (key, value) = parts(tag);
            Tag(key, value);
        }
    }

    /// <summary>A description (null passes): at most <see cref="InputLimits.MaxDescriptionLength"/> characters.</summary>
    public static string? Description(string? description, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        return TextValidator.Text(description, "description", limits.MaxDescriptionLength, InputLimits.Setting(nameof(InputLimits.MaxDescriptionLength)));
    }

    /// <summary>A model version's run link (null passes): at most <see cref="InputLimits.MaxRunLinkLength"/> characters on one line.</summary>
    public static string? RunLink(string? runLink, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        return TextValidator.SingleLine(runLink, "run_link", limits.MaxRunLinkLength, InputLimits.Setting(nameof(InputLimits.MaxRunLinkLength)));
    }

    /// <summary>Who made a change and why: the user id on one line within <see cref="InputLimits.MaxUserIdLength"/>, the comment within <see cref="InputLimits.MaxCommentLength"/>.</summary>
    public static Actor Actor(Actor actor, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        limits ??= InputLimits.Default;
        TextValidator.SingleLine(actor.User, "user_id", limits.MaxUserIdLength, InputLimits.Setting(nameof(InputLimits.MaxUserIdLength)));
        TextValidator.Text(actor.Comment, "comment", limits.MaxCommentLength, InputLimits.Setting(nameof(InputLimits.MaxCommentLength)));
        return actor;
    }

    /// <summary>Checks a new model version's name, tags, description and run link (the source is <see cref="ModelSourceValidator"/>'s).</summary>
    public static void CreateVersion(CreateModelVersionCommand command, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ExistingModelName(command.Name);
        TextValidator.Unicode(command.Source, "source");
        Tags(command.Tags, t => (t.Key, t.Value));
        Description(command.Description, limits);
        RunLink(command.RunLink, limits);
    }

    private static string Shown(string s) => s.Length <= 100 ? s : s[..100] + "...";
}
