using Keel.Core.Auth;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Server.Serving;

namespace Keel.Server.Auth;

/// <summary>Whether one of Keel's resources exists, for the rules of create-or-update endpoints.</summary>
internal static class KeelResources
{
    /// <summary>Whether the resource exists (a served model: loaded, loading or failed; a deployment or monitor: stored).</summary>
    public static async Task<bool> ExistsAsync(HttpContext context, ResourceKind kind, string name)
    {
        var services = context.RequestServices;
        try
        {
            switch (kind)
            {
                case ResourceKind.ServedModel:
                    var models = services.GetRequiredService<ServedModelRegistry>();
                    return models.TryGet(name, out _) || models.TryGetStatus(name, out _);
                case ResourceKind.Deployment:
                    await services.GetRequiredService<DeploymentService>().GetAsync(name, context.RequestAborted).ConfigureAwait(false);
                    return true;
                default:
                    await services.GetRequiredService<MonitoringService>().GetAsync(name, context.RequestAborted).ConfigureAwait(false);
                    return true;
            }
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return false;
        }
    }

    /// <summary>The kind an Open Inference Protocol route's name means: a served model of that name when one is loaded, else a deployment (as the routes answer).</summary>
    public static ResourceKind ServedOrDeployment(HttpContext context, string name) =>
        context.RequestServices.GetRequiredService<ServedModelRegistry>().TryGet(name, out _) ? ResourceKind.ServedModel : ResourceKind.Deployment;
}
