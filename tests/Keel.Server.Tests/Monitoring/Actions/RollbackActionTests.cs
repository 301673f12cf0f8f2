using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Monitoring.Actions;

/// <summary>
/// rollback_deployment and rollback_production run by the server's <see cref="IAlertActionRunner"/>
/// on real deployments and a real registry (SQLite), the deployment controller off so a rollout
/// stays where the test put it.
/// </summary>
public sealed class RollbackActionTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly IAlertActionRunner _runner = factory.Service<IAlertActionRunner>();
    private readonly DeploymentService _deployments = factory.Service<DeploymentService>();
    private readonly IRegistryStore _registry = factory.Service<IRegistryStore>();

    private static readonly AlertAction RollbackDeployment = new() { Kind = AlertActionKinds.RollbackDeployment };
    private static readonly AlertAction RollbackProduction = new() { Kind = AlertActionKinds.RollbackProduction, Alias = "production" };

    /// <summary>A deployment of a new model, created on version 1 and rolling version 2 out (10% canary).</summary>
    private async Task<(string Model, string Name)> RolloutAsync(string alias = "production")
    {
        var model = await factory.ModelAsync(2);
        var name = "dep-" + model;
        await _deployments.CreateAsync(ActionRig.Spec(name, model, "1", alias), ActionRig.Alice, _ct);
        var applied = await _deployments.ApplyAsync(ActionRig.Spec(name, model, "2", alias), ActionRig.Alice, _ct);
        Assert.Equal(DeploymentState.Progressing, applied.Deployment.State);
        return (model, name);
    }

    [Fact]
    public async Task RollbackDeployment_OfTheAlertsDeploymentInProgress_RollsItBack_AsKeelMonitor_NamingTheAlertAndItsValue()
    {
        var (model, name) = await RolloutAsync();

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2", name, "candidate", value: 0.42), RollbackDeployment, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal((AlertActionKinds.RollbackDeployment, name), (outcome.Kind, outcome.Reference));
        var after = await _deployments.GetAsync(name, _ct);
        Assert.Equal((DeploymentState.RolledBack, "1", 0), (after.State, after.StableVersion, after.CandidateWeight));
        var last = (await _deployments.HistoryAsync(name))[^1];
        Assert.Equal((DeploymentEventKinds.RolledBack, AlertActionRunner.User), (last.Kind, last.User));
        Assert.Contains("'drift-too-high'", last.Reason, StringComparison.Ordinal);
        Assert.Contains("value 0.42", last.Reason, StringComparison.Ordinal);
        Assert.Equal("drift-too-high", last.Evidence!.Value.GetProperty("alert").GetProperty("rule").GetString());
        Assert.Equal(0.42, last.Evidence!.Value.GetProperty("alert").GetProperty("value").GetDouble());
        // The registry's trail keeps the deployment's change too.
        Assert.Contains(await _registry.EventsAsync(model), e => e.Kind == "deployment_" + DeploymentEventKinds.RolledBack && e.User == AlertActionRunner.User);
    }

    [Fact]
    public async Task RollbackDeployment_NamedByTheAction_RollsThatDeploymentBack_ForAModelLevelAlert()
    {
        var (model, name) = await RolloutAsync();

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2"), RollbackDeployment with { Deployment = name }, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(DeploymentState.RolledBack, (await _deployments.GetAsync(name, _ct)).State);
    }

    [Fact]
    public async Task RollbackDeployment_WithNoRolloutInProgress_IsANoOpThatSaysSo_AndWritesNothing()
    {
        var model = await factory.ModelAsync(1);
        var name = "idle-" + model;
        var created = await _deployments.CreateAsync(ActionRig.Spec(name, model, "1"), ActionRig.Alice, _ct);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1", name, "stable"), RollbackDeployment, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith("No-op", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("no rollout in progress", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(created.Revision, (await _deployments.GetAsync(name, _ct)).Revision);
    }

    [Fact]
    public async Task RollbackDeployment_WhenTheAlertIsAboutTheStableVersion_LeavesTheRolloutAlone()
    {
        var (model, name) = await RolloutAsync();

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1", name, "stable"), RollbackDeployment, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith("No-op", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(DeploymentState.Progressing, (await _deployments.GetAsync(name, _ct)).State);
    }

    [Fact]
    public async Task RollbackDeployment_OfADeploymentThatDoesNotExist_FailsWithTheReason_WithoutThrowing()
    {
        var model = await factory.ModelAsync(1);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1", "no-such-deployment"), RollbackDeployment, _ct);

        Assert.False(outcome.Succeeded);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollbackProduction_OnTheAlertsVersion_MovesTheAliasBack_WithAnAuditedRollbackNamingTheAlert()
    {
        var model = await factory.ModelAsync(2);
        await _registry.SetAliasAsync(model, "production", "1", ActionRig.Alice, _ct);
        await _registry.SetAliasAsync(model, "production", "2", ActionRig.Alice, _ct);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2", value: 0.61), RollbackProduction, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal($"{model}@production", outcome.Reference);
        Assert.Equal("1", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
        var rollback = Assert.Single(await _registry.EventsAsync(model), e => e.Rollback);
        Assert.Equal((RegistryEventKinds.AliasSet, "production", "2", "1", AlertActionRunner.User), (rollback.Kind, rollback.Target, rollback.From, rollback.To, rollback.User));
        Assert.Contains("'drift-too-high'", rollback.Comment, StringComparison.Ordinal);
        Assert.Contains("value 0.61", rollback.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollbackProduction_WhenTheAliasPointsElsewhere_IsANoOpThatSaysSo()
    {
        var model = await factory.ModelAsync(2);
        await _registry.SetAliasAsync(model, "production", "1", ActionRig.Alice, _ct);
        await _registry.SetAliasAsync(model, "production", "2", ActionRig.Alice, _ct);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1"), RollbackProduction, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith("No-op", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("2", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
        Assert.DoesNotContain(await _registry.EventsAsync(model), e => e.Rollback);
    }

    [Fact]
    public async Task RollbackProduction_WithNoEarlierVersion_LeavesProductionInPlace_RatherThanRemovingTheAlias()
    {
        var model = await factory.ModelAsync(1);
        await _registry.SetAliasAsync(model, "production", "1", ActionRig.Alice, _ct);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1"), RollbackProduction, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith("No-op", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
    }

    [Fact]
    public async Task RollbackProduction_WhenTheEarlierVersionWasDeleted_LeavesProductionInPlace_RatherThanRemovingTheAlias()
    {
        var model = await factory.ModelAsync(2);
        await _registry.SetAliasAsync(model, "production", "1", ActionRig.Alice, _ct);
        await _registry.SetAliasAsync(model, "production", "2", ActionRig.Alice, _ct);
        await _registry.DeleteModelVersionAsync(model, "1", ActionRig.Alice, _ct);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2"), RollbackProduction, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith("No-op", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("2", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
    }

    [Fact]
    public async Task RollbackProduction_ToAVersionWhoseGatesFailed_IsRefusedByThePromotionGuard_AndTheAliasStays()
    {
        var model = await factory.ModelAsync(2);
        await _registry.SetAliasAsync(model, "production", "1", ActionRig.Alice, _ct);
        await _registry.SetAliasAsync(model, "production", "2", ActionRig.Alice, _ct);
        await _registry.SetModelVersionTagAsync(model, "1", new ModelVersionTag(PromotionGuard.ValidationStatusTag, "failed: roc_auc"), ActionRig.Alice, _ct);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2"), RollbackProduction, _ct);

        Assert.False(outcome.Succeeded);
        Assert.Contains("failed its validation gates", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("2", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
    }

    [Fact]
    public async Task RollbackProduction_OwnedByAPromotedDeployment_RollsTheDeploymentBack_SoItsControllerKeepsTheOlderVersion()
    {
        var (model, name) = await RolloutAsync();
        await _deployments.PromoteAsync(name, ActionRig.Alice, _ct);
        Assert.Equal("2", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2", name, "stable"), RollbackProduction, _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains($"deployment '{name}'", outcome.Message, StringComparison.Ordinal);
        var after = await _deployments.GetAsync(name, _ct);
        Assert.Equal((DeploymentState.RolledBack, "1"), (after.State, after.StableVersion));
        Assert.Equal("1", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
        Assert.Equal(AlertActionRunner.User, (await _deployments.HistoryAsync(name))[^1].User);
    }

    [Fact]
    public async Task RollbackProduction_OwnedByADeploymentWithNoPromotionToUndo_IsRefusedAndSaysWhy()
    {
        var (model, name) = await RolloutAsync();
        await _deployments.RollbackAsync(name, ActionRig.Alice, cancellationToken: _ct);
        await _registry.SetAliasAsync(model, "production", "2", ActionRig.Alice, _ct); // moved by hand behind the deployment

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "2"), RollbackProduction, _ct);

        Assert.False(outcome.Succeeded);
        Assert.Contains($"managed by deployment '{name}'", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("2", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
    }

    [Fact]
    public async Task AnUnknownActionKind_FailsWithTheKindsThatExist()
    {
        var outcome = await _runner.RunAsync(ActionRig.Alert("m", "1"), new AlertAction { Kind = "reboot" }, _ct);

        Assert.False(outcome.Succeeded);
        Assert.Contains("rollback_deployment, rollback_production, retrain", outcome.Message, StringComparison.Ordinal);
    }
}
