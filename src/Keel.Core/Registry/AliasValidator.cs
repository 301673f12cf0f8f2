using System.Text.RegularExpressions;
using Keel.Core.Errors;

namespace Keel.Core.Registry;

/// <summary>
/// MLflow's rules for registered-model aliases (<c>mlflow/utils/validation.py</c>): word
/// characters and dashes only, at most 255 characters, and never a name that would read as a
/// version reference: <c>latest</c> or <c>v</c> followed by digits (both ignoring case).
/// </summary>
public static partial class AliasValidator
{
    /// <summary>The longest accepted alias.</summary>
    /// <value>255.</value>
    public const int MaxLength = 255;

    [GeneratedRegex(@"^[\w\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex AllowedCharacters();

    [GeneratedRegex(@"^v\d+\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex VersionLike();

    /// <summary>Why <paramref name="alias"/> is not a valid alias, or null when it is.</summary>
    public static string? Problem(string? alias)
    {
        if (string.IsNullOrEmpty(alias))
        {
            return "Registered model alias name cannot be empty.";
        }

        if (alias.Length > MaxLength)
        {
            return $"Registered model alias name '{ModelStages.Truncate(alias)}' had length {alias.Length}, which exceeded length limit of {MaxLength}.";
        }

        if (!AllowedCharacters().IsMatch(alias))
        {
            return $"Invalid alias name: '{ModelStages.Truncate(alias)}'. Names may only contain alphanumerics, underscores (_) and dashes (-).";
        }

        if (string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase))
        {
            return "'latest' alias name (case insensitive) is reserved.";
        }

        if (VersionLike().IsMatch(alias))
        {
            return $"Version alias name '{alias}' is reserved: 'v' followed by digits names a version.";
        }

        return null;
    }

    /// <summary>Whether <paramref name="alias"/> is a valid alias.</summary>
    public static bool IsValid(string? alias) => Problem(alias) is null;

    /// <summary>Returns <paramref name="alias"/> when valid.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming the rule broken.</exception>
    public static string Validate(string? alias)
    {
        var problem = Problem(alias);
        return problem is null ? alias! : throw KeelException.InvalidParameter(problem);
    }
}
