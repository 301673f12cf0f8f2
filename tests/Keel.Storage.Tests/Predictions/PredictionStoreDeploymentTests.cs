using Keel.Core.Errors;
using Keel.Core.Predictions;

namespace Keel.Storage.Tests.Predictions;

// The deployment and arm a request was routed to: stored with the record, and a query filter.
public abstract partial class PredictionStoreComplianceTests
{
    private static PredictionLogRecord Routed(string requestId, long timestamp, string? deployment, string? arm, string version = "3") =>
        Record(requestId, timestamp) with { ModelVersion = version, Deployment = deployment, Arm = arm };

    [Fact]
    public async Task Append_DeploymentAndArm_AreReadBackWithTheRecord()
    {
        await Store.AppendAsync([Routed("a", 1000, "credit-prod", DeploymentArms.Stable), Routed("b", 1001, null, null)]);
        await Store.AppendAsync([PredictionLogEntry.From(Routed("c", 1002, "credit-prod", DeploymentArms.Candidate, "4"))]);

        var items = (await Store.SearchAsync(new PredictionQuery("credit"))).Items;

        Assert.Equal(["a", "b", "c"], items.Select(i => i.Record.RequestId));
        Assert.Equal(Routed("a", 1000, "credit-prod", DeploymentArms.Stable) with { InputColumns = items[0].Record.InputColumns }, items[0].Record);
        Assert.Null(items[1].Record.Deployment);
        Assert.Null(items[1].Record.Arm);
        Assert.Equal(("credit-prod", DeploymentArms.Candidate, "4"), (items[2].Record.Deployment, items[2].Record.Arm, items[2].Record.ModelVersion));
    }

    [Fact]
    public async Task Search_ByDeploymentAndArm_ReturnsOnlyThatDeploymentsRequests()
    {
        await Store.AppendAsync(
        [
            Routed("s1", 1000, "credit-prod", DeploymentArms.Stable),
            Routed("c1", 1001, "credit-prod", DeploymentArms.Candidate, "4"),
            Routed("m1", 1001, "credit-prod", DeploymentArms.Shadow, "4") with { RequestId = "s1" },
            Routed("o1", 1002, "credit-eu", DeploymentArms.Stable),
            Routed("d1", 1003, null, null),
        ]);

        var all = (await Store.SearchAsync(new PredictionQuery("") { Deployment = "credit-prod" })).Items;
        var candidate = (await Store.SearchAsync(new PredictionQuery("credit") { Deployment = "credit-prod", Arm = DeploymentArms.Candidate })).Items;
        var shadow = (await Store.SearchAsync(new PredictionQuery("") { Deployment = "credit-prod", Arm = DeploymentArms.Shadow })).Items;

        Assert.Equal(["s1", "c1", "s1"], all.Select(i => i.Record.RequestId));
        Assert.Equal(["c1"], candidate.Select(i => i.Record.RequestId));
        Assert.Equal([DeploymentArms.Shadow], shadow.Select(i => i.Record.Arm));
    }

    [Fact]
    public async Task Search_DeploymentNeverLogged_IsNotFound_AndAnArmAloneIsRefused()
    {
        await Store.AppendAsync([Routed("a", 1000, "credit-prod", DeploymentArms.Stable)]);

        var missing = await Fails(ErrorCode.ResourceDoesNotExist, () => Store.SearchAsync(new PredictionQuery("") { Deployment = "nope" }));
        Assert.Contains("deployment 'nope'", missing.Message, StringComparison.Ordinal);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchAsync(new PredictionQuery("credit") { Arm = DeploymentArms.Stable }));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchAsync(new PredictionQuery("") { Deployment = "credit-prod", Arm = "blue" }));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchAsync(new PredictionQuery("")));
        Assert.Empty((await Store.SearchAsync(new PredictionQuery("") { Deployment = "credit-prod", Arm = DeploymentArms.Candidate })).Items);
    }
}
