using System.Text;
using System.Text.Json;
using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Protocol;

namespace Keel.Server.Auth;

/// <summary>
/// Authenticates every request that its rule does not make public (HTTP Basic with a user's
/// password, or Bearer with an API token), then checks the rule: admins pass everything; others
/// need the rule's level on the resource the request names (the one granted, else the default).
/// A 401 carries <c>WWW-Authenticate</c>; a 403 says only "Permission denied".
/// </summary>
internal sealed partial class AuthMiddleware(AuthService auth, SetupToken setup, ILogger<AuthMiddleware> logger)
{
    /// <summary>The realm named in <c>WWW-Authenticate</c>.</summary>
    public const string Realm = "keel";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // With auth on, what a client claims about itself is never trusted: the audit reads the authenticated user.
        context.Request.Headers.Remove(Registry.RegistryRequests.UserHeader);
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var rule = AuthRules.For(endpoint);
        if (rule is { Kind: RuleKind.Public } || (rule is { Scoring: true } && context.Features.Get<ScoringGrant>() is not null))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var caller = await AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            await WriteUnauthenticatedAsync(context, await setup.PendingAsync(context.RequestAborted).ConfigureAwait(false)
                ? "No user exists yet. Create the first admin with the setup token printed at start-up (POST /api/2.0/keel/auth/setup) or `keel admin create-user NAME --admin`."
                : "You are not authenticated. Send HTTP Basic credentials (MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD) or a Bearer API token (MLFLOW_TRACKING_TOKEN).").ConfigureAwait(false);
            return;
        }

        if (setup.Pending)
        {
            await setup.WithdrawAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var request = new AuthRequest(context);
        context.User = caller.Principal();
        context.Features.Set(caller);
        if (rule is null)
        {
            LogNoRule(logger, context.Request.Method, endpoint.DisplayName ?? "?");
            Deny(caller.User.IsAdmin, "This endpoint has no permission rule; only admins may call it.");
        }
        else
        {
            if (caller.Token is { Scope: TokenScopes.Read } && rule.Access != Access.Read)
            {
                throw new KeelException(ErrorCode.PermissionDenied, "Permission denied: this token's scope is 'read'.");
            }

            Deny(await AllowedAsync(rule, caller.User, request).ConfigureAwait(false), "Permission denied");
            if (rule.Also is { } also)
            {
                Deny(await AllowedAsync(also, caller.User, request).ConfigureAwait(false), "Permission denied");
            }
        }

        if (rule?.After is { } after)
        {
            // Read the body now, so the step after the handler can still see it.
            await request.PrimeAsync().ConfigureAwait(false);
            await RunWithAfterAsync(context, next, after, request, caller.User).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static void Deny(bool allowed, string message)
    {
        if (!allowed)
        {
            throw new KeelException(ErrorCode.PermissionDenied, message);
        }
    }

    private async Task<bool> AllowedAsync(AuthRule rule, AuthUser user, AuthRequest request)
    {
        if (user.IsAdmin)
        {
            return true;
        }

        var ct = request.Context.RequestAborted;
        switch (rule.Kind)
        {
            case RuleKind.Authenticated:
                return true;
            case RuleKind.Admin:
                return false;
            case RuleKind.Self:
                var named = await request.RequiredAsync("username").ConfigureAwait(false);
                return string.Equals(named, user.Username, StringComparison.Ordinal);
            case RuleKind.Keel:
                return await KeelAllowedAsync(rule, user, request).ConfigureAwait(false);
            case RuleKind.Experiment:
            case RuleKind.RegisteredModel:
                var ids = await rule.Locate!(request).ConfigureAwait(false);
                if (ids.Count == 0)
                {
                    return false;
                }

                foreach (var id in ids)
                {
                    var level = rule.Kind == RuleKind.Experiment
                        ? await auth.ExperimentPermissionOfAsync(user, id, ct).ConfigureAwait(false)
                        : await auth.RegisteredModelPermissionOfAsync(user, id, ct).ConfigureAwait(false);
                    if (!level.Allows(rule.Access))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private async Task<AuthenticatedUser?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var ct = context.RequestAborted;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var found = await auth.AuthenticateTokenAsync(header["Bearer ".Length..].Trim(), ct).ConfigureAwait(false);
            return found is var (user, token) ? new AuthenticatedUser(user, token) : null;
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && DecodeBasic(header["Basic ".Length..].Trim()) is var (name, password))
        {
            var user = await auth.AuthenticatePasswordAsync(name, password, ct).ConfigureAwait(false);
            if (user is null)
            {
                LogFailedSignIn(logger, name.Length > 64 ? name[..64] : name);
            }

            return user is null ? null : new AuthenticatedUser(user, null);
        }

        return null;
    }

    private static (string Name, string Password)? DecodeBasic(string encoded)
    {
        if (encoded.Length > 4096)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer TOKEN</c> header, or null without one.</summary>
    internal static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static async Task WriteUnauthenticatedAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", Bearer realm=\"{Realm}\"";
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse(ErrorCode.Unauthenticated.ToWireName(), message), KeelJson.Options, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Endpoint {Method} {Endpoint} has no permission rule; only admins may call it")]
    private static partial void LogNoRule(ILogger logger, string method, string endpoint);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Failed sign-in for user {User}")]
    private static partial void LogFailedSignIn(ILogger logger, string user);
}
