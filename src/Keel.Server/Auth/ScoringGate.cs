using System.Text.Json;
using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Protocol;

namespace Keel.Server.Auth;

/// <summary>Set on a scoring request that presented an active scoring token of the resource it scores.</summary>
/// <param name="Kind">The kind of resource.</param>
/// <param name="Name">The resource.</param>
internal sealed record ScoringGrant(ResourceKind Kind, string Name);

/// <summary>
/// In front of the scoring endpoints, whether server auth is on or off: a deployment or served model
/// that has scoring tokens refuses scoring without one of its own active tokens (401), and answers
/// 403 to another resource's token. A resource without scoring tokens is left to the usual rules.
/// </summary>
internal sealed partial class ScoringGate(AuthService auth, ILogger<ScoringGate> logger)
{
    // Every request passes here, auth on or off: an endpoint's rule is looked up once, not per request.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Endpoint, AuthRule?> _rules = new();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is not { } endpoint
            || _rules.GetOrAdd(endpoint, static e => AuthRules.For(e) is { Scoring: true } r ? r : null) is not { } rule
            || context.Request.RouteValues["name"] is not string name)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var kind = rule.ServedOrDeployment ? KeelResources.ServedOrDeployment(context, name) : rule.Resource;
        switch (await auth.CheckScoringAsync(kind, name, AuthMiddleware.Bearer(context.Request), context.RequestAborted).ConfigureAwait(false))
        {
            case ScoringCheck.Allowed:
                context.Features.Set(new ScoringGrant(kind, name));
                break;
            case ScoringCheck.Missing:
                LogRefused(logger, kind.Noun(), name);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{AuthMiddleware.Realm}\"";
                await WriteAsync(context, ErrorCode.Unauthenticated, $"The {kind.Noun()} '{name}' requires one of its scoring tokens: send 'Authorization: Bearer {AuthService.ScoringTokenPrefix}...' (a missing, revoked or expired token is refused).").ConfigureAwait(false);
                return;
            case ScoringCheck.OtherResource:
                LogRefused(logger, kind.Noun(), name);
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await WriteAsync(context, ErrorCode.PermissionDenied, "Permission denied: this scoring token belongs to another resource.").ConfigureAwait(false);
                return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, ErrorCode code, string message)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse(code.ToWireName(), message), KeelJson.Options, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1630, Level = LogLevel.Information, Message = "Scoring refused for {Kind} {Name}: no valid scoring token of its own")]
    private static partial void LogRefused(ILogger logger, string kind, string name);
}
