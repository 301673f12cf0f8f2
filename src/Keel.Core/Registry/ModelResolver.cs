using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Registry;

/// <summary>Resolves <c>models:/</c> URIs to one model version, wherever a model is named.</summary>
public static class ModelResolver
{
    /// <summary>
    /// <c>models:/name/3</c> is version 3; <c>models:/name@alias</c> the alias's version;
    /// <c>models:/name/Production</c> the highest version in that stage; <c>models:/name/latest</c>
    /// the highest version of the model, whatever its stage (as MLflow).
    /// </summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the model, version, alias or a version in the stage does not exist.</exception>
    public static async Task<ModelVersion> ResolveAsync(this IRegistryStore store, string uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var parsed = ModelUri.Parse(uri);
        switch (parsed.Kind)
        {
            case ModelUriKind.Version:
                return await store.GetModelVersionAsync(parsed.Name, parsed.Version!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            case ModelUriKind.Alias:
                // MLflow's alias lookup calls a missing alias INVALID_PARAMETER_VALUE; a models:/ URI
                // that names nothing is RESOURCE_DOES_NOT_EXIST here, as for a stage with no version.
                var model = await store.GetRegisteredModelAsync(parsed.Name, cancellationToken).ConfigureAwait(false);
                if (!model.Aliases.Any(a => string.Equals(a.Alias, parsed.Alias, StringComparison.Ordinal)))
                {
                    throw KeelException.NotFound($"Registered model '{parsed.Name}' has no alias '{parsed.Alias}'.");
                }

                return await store.GetModelVersionByAliasAsync(parsed.Name, parsed.Alias!, cancellationToken).ConfigureAwait(false);
            case ModelUriKind.Stage:
                var stage = ModelStages.ToWireName(parsed.Stage ?? ModelStage.Development);
                var inStage = await store.GetLatestVersionsAsync(parsed.Name, [stage], cancellationToken).ConfigureAwait(false);
                return inStage.Count > 0
                    ? inStage[^1]
                    : throw KeelException.NotFound($"No version of registered model '{parsed.Name}' is in stage {stage}.");
            default:
                var latest = await store.GetLatestVersionsAsync(parsed.Name, null, cancellationToken).ConfigureAwait(false);
                return latest.MaxBy(v => long.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture))
                    ?? throw KeelException.NotFound($"Registered model '{parsed.Name}' has no versions.");
        }
    }
}
