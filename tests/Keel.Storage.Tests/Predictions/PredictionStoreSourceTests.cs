using Keel.Core.Predictions;

namespace Keel.Storage.Tests.Predictions;

// Which served models and deployments logged a request id: what feedback for it is checked against.
public abstract partial class PredictionStoreComplianceTests
{
    [Fact]
    public async Task FindRequestSources_ReturnsEachModelAndDeploymentThatLoggedTheId_Once_InOrder()
    {
        await Store.AppendAsync(
        [
            Record("shared", 1000, "zeta"),
            Record("shared", 1001, "credit") with { Deployment = "credit-prod", Arm = DeploymentArms.Stable },
            Record("shared", 1002, "credit") with { Deployment = "credit-prod", Arm = DeploymentArms.Shadow },
            Record("shared", 1003, "credit"),
            Record("shared", 1004, "credit") with { OutputsJson = "[]", ErrorCode = "INTERNAL_ERROR", Deployment = "credit-eu", Arm = DeploymentArms.Stable },
            Record("other", 1005, "fraud"),
        ]);

        var sources = await Store.FindRequestSourcesAsync("shared");

        Assert.Equal(
            [new PredictionRequestSource("credit", null), new PredictionRequestSource("credit", "credit-eu"), new PredictionRequestSource("credit", "credit-prod"), new PredictionRequestSource("zeta", null)],
            sources);
        Assert.Equal([new PredictionRequestSource("fraud", null)], await Store.FindRequestSourcesAsync("other"));
    }

    [Fact]
    public async Task FindRequestSources_UnknownId_IsEmpty_NotAnError()
    {
        await Store.AppendAsync([Record("known", 1000)]);

        Assert.Empty(await Store.FindRequestSourcesAsync("unknown"));
        Assert.Empty(await Store.FindRequestSourcesAsync("KNOWN"));
        Assert.Empty(await Store.FindRequestSourcesAsync("known\0"));
    }
}
