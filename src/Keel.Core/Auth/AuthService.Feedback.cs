using Keel.Core.Errors;
using Keel.Core.Predictions;

namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>
    /// Whether <paramref name="user"/> may send feedback for a request id that the served models and
    /// deployments in <paramref name="sources"/> logged (<see cref="IPredictionStore.FindRequestSourcesAsync"/>):
    /// EDIT on each of them, the deployment for a record logged through one, else the served model.
    /// Admins pass.
    /// </summary>
    /// <exception cref="KeelException">
    /// RESOURCE_DOES_NOT_EXIST, with the very answer of an unknown id, when <paramref name="sources"/> is
    /// empty or the user cannot READ one of them (so the answer does not tell them the id exists);
    /// PERMISSION_DENIED when they can read them all but lack EDIT on one.
    /// </exception>
    public async Task CheckFeedbackAsync(AuthUser user, string requestId, IReadOnlyList<PredictionRequestSource> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw PredictionFeedback.UnknownRequest(requestId);
        }

        var editable = true;
        foreach (var (kind, name) in sources.Select(ResourceOf).Distinct())
        {
            var level = await ResourcePermissionOfAsync(user, kind, name, cancellationToken).ConfigureAwait(false);
            if (!level.Allows(Access.Read))
            {
                throw PredictionFeedback.UnknownRequest(requestId);
            }

            editable &= level.Allows(Access.Update);
        }

        if (!editable)
        {
            throw new KeelException(ErrorCode.PermissionDenied, "Permission denied: feedback needs EDIT on every served model or deployment that logged the request.");
        }
    }

    private static (ResourceKind Kind, string Name) ResourceOf(PredictionRequestSource source) =>
        source.Deployment is { } deployment ? (ResourceKind.Deployment, deployment) : (ResourceKind.ServedModel, source.ModelName);
}
