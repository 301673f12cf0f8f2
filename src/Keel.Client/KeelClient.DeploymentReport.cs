using Keel.Client.Http;
using Keel.Core.Deployments;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>The arms of a deployment compared from its prediction log in [<paramref name="fromMs"/>, <paramref name="toMs"/>) (Unix ms; null: unbounded), with errors from the server's analysis windows.</summary>
    public async Task<DeploymentReport> GetDeploymentReportAsync(string name, long? fromMs = null, long? toMs = null, CancellationToken cancellationToken = default) =>
        (await GetDeploymentJsonAsync<DeploymentReportAnswer>("report", QueryString.Of("name", name).Add("from", fromMs).Add("to", toMs), cancellationToken).ConfigureAwait(false)).Report!;

    private sealed record DeploymentReportAnswer(DeploymentReport? Report);
}
