using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Serving;

/// <summary>
/// A model the server serves, as stored so it is served again after a restart: the name it is
/// served under and the <c>models:/</c> URI it was added with. Following is part of the URI: an
/// alias, a stage or <c>latest</c> is followed (re-resolved in the background and swapped in when
/// it moves), a version number is pinned; restoring the URI restores the following.
/// </summary>
/// <param name="Name">The served name (1 to 256 characters, no <c>/</c>, no control characters).</param>
/// <param name="ModelUri">A valid <c>models:/</c> URI.</param>
/// <param name="CreatedAtMs">When the name was first added (Unix ms; set by the store).</param>
/// <param name="UpdatedAtMs">When it was last added or replaced (Unix ms; set by the store).</param>
public sealed record ServedModelEntry(string Name, string ModelUri, long CreatedAtMs = 0, long UpdatedAtMs = 0)
{
    /// <summary>The longest served name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Whether the model follows its URI (alias, stage or <c>latest</c>) rather than being pinned to a version.</summary>
    public bool Follows => Registry.ModelUri.TryParse(ModelUri, out var uri) && uri.Kind != ModelUriKind.Version;

    /// <summary>Checks the name and the URI; every store calls it before writing.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming every problem.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!IsValidName(Name))
        {
            problems.Add($"name: must be 1 to {MaxNameLength} characters, without '/' or control characters");
        }

        if (!Registry.ModelUri.TryParse(ModelUri, out _))
        {
            problems.Add("model_uri: must be a models:/ URI (models:/name/3, models:/name@alias, models:/name/Production, models:/name/latest)");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter(string.Join("; ", problems) + ".");
        }
    }

    /// <summary>Whether <paramref name="name"/> can be a served name.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= MaxNameLength && !name.Any(c => char.IsControl(c) || c == '/');
}
