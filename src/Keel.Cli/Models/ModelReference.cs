using Keel.Cli.Infrastructure;

using Keel.Core.Registry;

namespace Keel.Cli.Models;

/// <summary>A model as a user names it on the command line: a plain registered model name or a <c>models:/</c> URI.</summary>
internal sealed record ModelReference(string Text, string Name, ModelUri? Uri)
{
    /// <summary>A name, or a URI when the text starts with <c>models:</c> (an invalid URI is INVALID_PARAMETER_VALUE).</summary>
    public static ModelReference Parse(string text)
    {
        if (ModelUri.IsModelUri(text))
        {
            var uri = ModelUri.Parse(text);
            return new ModelReference(text, uri.Name, uri);
        }

        return new ModelReference(text, text, null);
    }

    /// <summary>
    /// The version this reference and an optional VERSION argument name together: a URI alone, or
    /// a name with a version. Both or neither is a usage error.
    /// </summary>
    public async Task<ModelVersion> ResolveVersionAsync(IRegistryStore client, string? version, string usage, CancellationToken cancellationToken)
    {
        if (Uri is not null)
        {
            return version is null
                ? await client.ResolveAsync(Text, cancellationToken).ConfigureAwait(false)
                : throw new UsageException($"Give a models:/ URI or a name and a version, not both ('{Text}' and '{version}').");
        }

        return version is null
            ? throw new UsageException($"Name a version: {usage}.")
            : await client.GetModelVersionAsync(Name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The stage or alias this reference and the <c>--stage</c>/<c>--alias</c> options name:
    /// <c>models:/name/Production</c> and <c>models:/name@champion</c> name one themselves.
    /// Returns the wire stage or the alias; exactly one is set.
    /// </summary>
    public (string? Stage, string? Alias) StageOrAlias(string? stageOption, string? aliasOption)
    {
        var stage = stageOption is null ? null : ModelsFormat.ParseStage(stageOption);
        var alias = aliasOption;
        if (Uri is not null)
        {
            if (stage is not null || alias is not null)
            {
                throw new UsageException($"'{Text}' already names what to use; leave out --stage and --alias.");
            }

            (stage, alias) = Uri.Kind switch
            {
                ModelUriKind.Stage => (ModelStages.ToWireName(Uri.Stage!.Value), (string?)null),
                ModelUriKind.Alias => (null, Uri.Alias),
                _ => throw new UsageException($"'{Text}' names a version; name a stage (models:/{Name}/Production or --stage) or an alias (models:/{Name}@champion or --alias)."),
            };
        }

        if ((stage is null) == (alias is null))
        {
            throw new UsageException("Give exactly one of --stage and --alias.");
        }

        return (stage, alias);
    }
}
