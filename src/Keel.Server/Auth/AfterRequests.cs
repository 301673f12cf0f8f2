using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Auth;
using Keel.Core.Json;

namespace Keel.Server.Auth;

/// <summary>
/// MLflow's after-request handlers: whoever creates an experiment or a registered model manages
/// it; a model's permissions follow its rename and go with its deletion; searches show only what
/// the caller may read (a page can then hold fewer items than asked; its page token still pages on).
/// </summary>
internal static partial class AfterRequests
{
    public static async Task<byte[]?> CreatorManagesExperiment(AuthRequest request, AuthUser user, JsonElement response)
    {
        if (response.ValueKind == JsonValueKind.Object && response.TryGetProperty("experiment_id", out var id) && id.GetString() is { } experimentId)
        {
            var store = Auth(request).Store;
            var ct = request.Context.RequestAborted;

            // A grant left from an experiment that had this id before is replaced.
            if (await store.GetExperimentPermissionAsync(experimentId, user.Id, ct).ConfigureAwait(false) is null)
            {
                await store.CreateExperimentPermissionAsync(experimentId, user.Id, Permission.Manage, ct).ConfigureAwait(false);
            }
            else
            {
                await store.UpdateExperimentPermissionAsync(experimentId, user.Id, Permission.Manage, ct).ConfigureAwait(false);
            }
        }

        return null;
    }

    public static async Task<byte[]?> CreatorManagesModel(AuthRequest request, AuthUser user, JsonElement response)
    {
        if (await request.FieldAsync("name").ConfigureAwait(false) is { } name)
        {
            var store = Auth(request).Store;
            var ct = request.Context.RequestAborted;

            // A model deleted and created again under its old name starts over.
            await store.DeleteRegisteredModelPermissionsAsync(name, ct).ConfigureAwait(false);
            await store.CreateRegisteredModelPermissionAsync(name, user.Id, Permission.Manage, ct).ConfigureAwait(false);
        }

        return null;
    }

    public static async Task<byte[]?> RenameModelPermissions(AuthRequest request, AuthUser user, JsonElement response)
    {
        if (await request.FieldAsync("name").ConfigureAwait(false) is { } name && await request.FieldAsync("new_name").ConfigureAwait(false) is { } newName)
        {
            await Auth(request).Store.RenameRegisteredModelPermissionsAsync(name, newName, request.Context.RequestAborted).ConfigureAwait(false);
        }

        return null;
    }

    public static async Task<byte[]?> DropModelPermissions(AuthRequest request, AuthUser user, JsonElement response)
    {
        if (await request.FieldAsync("name").ConfigureAwait(false) is { } name)
        {
            await Auth(request).Store.DeleteRegisteredModelPermissionsAsync(name, request.Context.RequestAborted).ConfigureAwait(false);
        }

        return null;
    }

    public static async Task<byte[]?> FilterExperiments(AuthRequest request, AuthUser user, JsonElement response)
    {
        if (user.IsAdmin)
        {
            return null;
        }

        var auth = Auth(request);
        var granted = (await auth.Store.ListExperimentPermissionsAsync(user.Id, request.Context.RequestAborted).ConfigureAwait(false))
            .ToDictionary(p => p.ExperimentId, p => p.Permission, StringComparer.Ordinal);
        return Filter(response, "experiments", "experiment_id", id => granted.GetValueOrDefault(id, auth.Options.DefaultPermission));
    }

    public static Task<byte[]?> FilterModels(AuthRequest request, AuthUser user, JsonElement response) =>
        FilterByModel(request, user, response, "registered_models");

    public static Task<byte[]?> FilterModelVersions(AuthRequest request, AuthUser user, JsonElement response) =>
        FilterByModel(request, user, response, "model_versions");

    private static async Task<byte[]?> FilterByModel(AuthRequest request, AuthUser user, JsonElement response, string array)
    {
        if (user.IsAdmin)
        {
            return null;
        }

        var auth = Auth(request);
        var granted = (await auth.Store.ListRegisteredModelPermissionsAsync(user.Id, request.Context.RequestAborted).ConfigureAwait(false))
            .ToDictionary(p => p.Name, p => p.Permission, StringComparer.Ordinal);
        return Filter(response, array, "name", name => granted.GetValueOrDefault(name, auth.Options.DefaultPermission));
    }

    private static byte[]? Filter(JsonElement response, string array, string key, Func<string, Permission> levelOf)
    {
        if (response.ValueKind != JsonValueKind.Object || !response.TryGetProperty(array, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var kept = new JsonArray();
        var dropped = false;
        foreach (var item in items.EnumerateArray())
        {
            var id = KeyOf(item, key);
            if (id is not null && levelOf(id).Allows(Access.Read))
            {
                kept.Add(JsonNode.Parse(item.GetRawText()));
            }
            else
            {
                dropped = true;
            }
        }

        if (!dropped)
        {
            return null;
        }

        var root = JsonNode.Parse(response.GetRawText())!.AsObject();
        root[array] = kept;
        return JsonSerializer.SerializeToUtf8Bytes(root, KeelJson.Options);
    }

    /// <summary>The string at a dotted path (<c>info.experiment_id</c>) of a JSON object, or null.</summary>
    private static string? KeyOf(JsonElement item, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(part, out item))
            {
                return null;
            }
        }

        return item.ValueKind == JsonValueKind.String ? item.GetString() : null;
    }

    private static AuthService Auth(AuthRequest request) => request.Context.RequestServices.GetRequiredService<AuthService>();
}
