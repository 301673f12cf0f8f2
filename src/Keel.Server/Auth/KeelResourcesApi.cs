using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Server.Infrastructure;
using Keel.Server.Registry;

namespace Keel.Server.Auth;

/// <summary>
/// Levels on Keel's own resources, granted the way MLflow grants experiment and model permissions
/// (create, get, update, delete), and the scoring tokens of deployments and served models, under
/// <c>/api/2.0/keel/auth/{deployments|served-models|monitors}/...</c>.
/// </summary>
internal static class KeelResourcesApi
{
    public const string Prefix = "/api/2.0/keel/auth/";

    public static void MapKeelResourcesApi(this IEndpointRouteBuilder app)
    {
        foreach (var kind in ResourceKinds.All)
        {
            MapPermissions(app, kind);
        }

        MapScoringTokens(app, ResourceKind.Deployment);
        MapScoringTokens(app, ResourceKind.ServedModel);
    }

    private static void MapPermissions(IEndpointRouteBuilder app, ResourceKind kind)
    {
        var path = Prefix + kind.ToPathSegment() + "/permissions/";
        var key = kind.ToWireName() + "_permission";
        app.MapPost(path + "create", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ResourcePermissionRequest>().ConfigureAwait(false);
            var p = await auth.CreateResourcePermissionAsync(kind, req.Name, req.Username, req.Permission, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new Dictionary<string, ResourcePermissionJson> { [key] = ResourcePermissionJson.Of(p) });
        });

        app.MapGet(path + "get", async (HttpRequest http, AuthService auth) =>
        {
            var p = await auth.GetResourcePermissionAsync(kind, http.Query("name"), http.Query("username"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new Dictionary<string, ResourcePermissionJson> { [key] = ResourcePermissionJson.Of(p) });
        });

        app.MapMethods(path + "update", ["PATCH"], async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ResourcePermissionRequest>().ConfigureAwait(false);
            await auth.UpdateResourcePermissionAsync(kind, req.Name, req.Username, req.Permission, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapDelete(path + "delete", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new ResourcePermissionRequest(q.Query("name"), q.Query("username"), null)).ConfigureAwait(false);
            await auth.DeleteResourcePermissionAsync(kind, req.Name, req.Username, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });
    }

    private static void MapScoringTokens(IEndpointRouteBuilder app, ResourceKind kind)
    {
        var path = Prefix + kind.ToPathSegment() + "/scoring-tokens/";
        app.MapPost(path + "create", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ScoringTokenRequest>().ConfigureAwait(false);
            TimeSpan? lifetime = req.ExpiresInDays is { } days
                ? days is > 0 and <= 36_500 ? TimeSpan.FromDays(days) : throw KeelException.InvalidParameter("'expires_in_days' must be a positive number of days.")
                : null;
            var by = http.HttpContext.Features.Get<AuthenticatedUser>()?.User.Username ?? "anonymous";
            var (token, secret) = await auth.CreateScoringTokenAsync(kind, req.Name, req.TokenName, by, lifetime, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new CreateScoringTokenResponse(ScoringTokenJson.Of(token), secret));
        });

        app.MapGet(path + "list", async (HttpRequest http, AuthService auth) =>
        {
            var name = AuthValidator.Name(http.Query("name"), "name");
            var tokens = await auth.Store.ListScoringTokensAsync(kind, name, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ScoringTokensResponse(tokens.Select(ScoringTokenJson.Of).ToArray()));
        });

        app.MapPost(path + "revoke", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ScoringTokenRequest>().ConfigureAwait(false);
            var token = await auth.RevokeScoringTokenAsync(kind, req.Name, req.TokenId, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ScoringTokenResponse(ScoringTokenJson.Of(token)));
        });

        app.MapPost(path + "delete", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ScoringTokenRequest>().ConfigureAwait(false);
            await auth.DeleteScoringTokenAsync(kind, req.Name, req.TokenId, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });
    }
}

internal sealed record ResourcePermissionRequest(string? Name, string? Username, string? Permission);

internal sealed record ResourcePermissionJson(string Name, long UserId, string Permission)
{
    public static ResourcePermissionJson Of(ResourcePermission p) => new(p.Name, p.UserId, p.Permission.ToWireName());
}

/// <summary>Create: <c>name</c> (the resource), <c>token_name</c>, <c>expires_in_days</c>; revoke and delete: <c>name</c>, <c>token_id</c>.</summary>
internal sealed record ScoringTokenRequest(string? Name, string? TokenName, string? TokenId, double? ExpiresInDays);

/// <summary>A scoring token as listed: never its secret or hash.</summary>
internal sealed record ScoringTokenJson(string TokenId, string ResourceType, string ResourceName, string Name, string CreatedBy, long CreatedAt, long ExpiresAt, long? RevokedAt, long? LastUsedAt)
{
    public static ScoringTokenJson Of(ScoringToken t) => new(t.Id, t.Kind.ToWireName(), t.ResourceName, t.Name, t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}

internal sealed record CreateScoringTokenResponse(ScoringTokenJson TokenInfo, string Token);

internal sealed record ScoringTokensResponse(IReadOnlyList<ScoringTokenJson> Tokens);

internal sealed record ScoringTokenResponse(ScoringTokenJson TokenInfo);
