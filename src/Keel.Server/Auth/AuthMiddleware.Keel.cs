using Keel.Core.Auth;

namespace Keel.Server.Auth;

internal sealed partial class AuthMiddleware
{
    /// <summary>Set in <see cref="HttpContext.Items"/> when a create-or-update request creates the resource (its creator then manages it).</summary>
    public const string CreatesItem = "keel.auth.creates";

    /// <summary>A level on one of Keel's resources; a create-or-update of a resource that does not exist yet passes, and is marked so its creator gets MANAGE.</summary>
    private async Task<bool> KeelAllowedAsync(AuthRule rule, AuthUser user, AuthRequest request)
    {
        var ct = request.Context.RequestAborted;
        var ids = await rule.Locate!(request).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return false;
        }

        foreach (var id in ids)
        {
            var kind = rule.ServedOrDeployment ? KeelResources.ServedOrDeployment(request.Context, id) : rule.Resource;
            if (rule.CreateIfAbsent && !await KeelResources.ExistsAsync(request.Context, kind, id).ConfigureAwait(false))
            {
                request.Context.Items[CreatesItem] = true;
                continue;
            }

            if (!(await auth.ResourcePermissionOfAsync(user, kind, id, ct).ConfigureAwait(false)).Allows(rule.Access))
            {
                return false;
            }
        }

        return true;
    }
}
