using System.Text.Json;
using Keel.Core.Auth;

namespace Keel.Server.Auth;

/// <summary>The after-request steps of Keel's own resources and of <c>runs/search</c>.</summary>
internal static partial class AfterRequests
{
    /// <summary>Whoever created a deployment, served model or monitor (the rule marked the request) manages it.</summary>
    public static AfterRequest CreatorManages(ResourceKind kind, ResourceLocator locate) => async (request, user, response) =>
    {
        if (request.Context.Items.ContainsKey(AuthMiddleware.CreatesItem) && (await locate(request).ConfigureAwait(false)) is [var name])
        {
            await Auth(request).GrantCreatorAsync(user, kind, name, request.Context.RequestAborted).ConfigureAwait(false);
        }

        return null;
    };

    /// <summary>A deleted resource's permissions go with it.</summary>
    public static AfterRequest DropPermissions(ResourceKind kind, ResourceLocator locate) => async (request, user, response) =>
    {
        if ((await locate(request).ConfigureAwait(false)) is [var name])
        {
            await Auth(request).Store.DeleteResourcePermissionsAsync(kind, name, request.Context.RequestAborted).ConfigureAwait(false);
        }

        return null;
    };

    /// <summary>A list shows only the resources the caller may read.</summary>
    public static AfterRequest FilterResources(ResourceKind kind, string array, string key) => async (request, user, response) =>
    {
        if (user.IsAdmin)
        {
            return null;
        }

        var auth = Auth(request);
        var granted = (await auth.Store.ListResourcePermissionsAsync(kind, user.Id, request.Context.RequestAborted).ConfigureAwait(false))
            .ToDictionary(p => p.Name, p => p.Permission, StringComparer.Ordinal);
        return Filter(response, array, key, name => granted.GetValueOrDefault(name, auth.Options.DefaultPermission));
    };

    /// <summary>
    /// <c>runs/search</c> as MLflow filters it: runs of experiments the caller cannot read are left
    /// out (a search naming only such experiments answers an empty page, not 403).
    /// </summary>
    public static async Task<byte[]?> FilterRuns(AuthRequest request, AuthUser user, JsonElement response)
    {
        if (user.IsAdmin)
        {
            return null;
        }

        var auth = Auth(request);
        var granted = (await auth.Store.ListExperimentPermissionsAsync(user.Id, request.Context.RequestAborted).ConfigureAwait(false))
            .ToDictionary(p => p.ExperimentId, p => p.Permission, StringComparer.Ordinal);
        return Filter(response, "runs", "info.experiment_id", id => granted.GetValueOrDefault(id, auth.Options.DefaultPermission));
    }
}
