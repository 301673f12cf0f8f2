using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Server.Infrastructure;

namespace Keel.Server.Auth;

/// <summary>
/// Keel's own token API under /api/2.0/keel/auth/: a signed-in user creates (the secret is in
/// that answer only), lists and revokes their own tokens; and the first admin is made with the
/// one-time setup token.
/// </summary>
internal static class TokensApi
{
    private const string Prefix = "/api/2.0/keel/auth/";

    public static void MapTokensApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "tokens/create", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<CreateTokenRequest>().ConfigureAwait(false);
            var caller = http.HttpContext.Caller();
            TimeSpan? lifetime = req.ExpiresInDays is { } days
                ? days is > 0 and <= 36_500 ? TimeSpan.FromDays(days) : throw KeelException.InvalidParameter("'expires_in_days' must be a positive number of days.")
                : null;
            var (token, secret) = await auth.CreateTokenAsync(caller.User, req.Name, req.Scope, lifetime, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new CreateTokenResponse(TokenJson.Of(token), secret));
        });

        app.MapGet(Prefix + "tokens/list", async (HttpRequest http, AuthService auth) =>
        {
            var tokens = await auth.Store.ListTokensAsync(http.HttpContext.Caller().User.Id, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new TokensResponse(tokens.Select(TokenJson.Of).ToArray()));
        });

        app.MapPost(Prefix + "tokens/revoke", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<RevokeTokenRequest>().ConfigureAwait(false);
            var token = await auth.RevokeTokenAsync(http.HttpContext.Caller().User, req.TokenId, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new TokenResponse(TokenJson.Of(token)));
        });

        app.MapPost(Prefix + "setup", async (HttpRequest http, SetupToken setup) =>
        {
            var req = await http.ReadJsonAsync<SetupRequest>().ConfigureAwait(false);
            var user = await setup.CreateFirstAdminAsync(req.SetupToken, req.Username, req.Password, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new UserResponse(new UserJson(user.Id, user.Username, user.IsAdmin, [], [])));
        });
    }
}
