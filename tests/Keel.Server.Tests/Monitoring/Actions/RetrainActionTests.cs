using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Workflows;

namespace Keel.Server.Tests.Monitoring.Actions;

/// <summary>
/// The retrain action on the server: a real pipeline (breast cancer, 569 rows) trained in the
/// background through <c>keel train</c>'s workflow on the server's own stores, its gates deciding
/// whether the new version is promoted or rolled out; one retraining per model, later triggers coalesced.
/// </summary>
public sealed class RetrainActionTests(RetrainFixture fixture) : IClassFixture<RetrainFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly IAlertActionRunner _runner = fixture.Factory.Service<IAlertActionRunner>();
    private readonly RetrainingQueue _queue = fixture.Factory.Service<RetrainingQueue>();
    private readonly DeploymentService _deployments = fixture.Factory.Service<DeploymentService>();
    private readonly IRegistryStore _registry = fixture.Factory.Service<IRegistryStore>();
    private readonly ITrackingStore _tracking = fixture.Factory.Service<ITrackingStore>();

    private static AlertAction Retrain(string pipeline, string? canary = null) => new() { Kind = AlertActionKinds.Retrain, Pipeline = pipeline, CanaryDeployment = canary };

    [Fact]
    public async Task Retrain_WhoseGatesPass_RegistersANewVersionThroughItsGates_AndRollsItOutOnTheCanaryDeployment()
    {
        var model = await fixture.Factory.ModelAsync(1);
        var name = "canary-" + model;
        await _deployments.CreateAsync(ActionRig.Spec(name, model, "1"), ActionRig.Alice, _ct);
        var pipeline = fixture.Pipeline(model, "accuracy_score: 0.9");

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1", name, "stable"), Retrain(pipeline, name), _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith("retrain-", outcome.Reference, StringComparison.Ordinal);
        var job = await _queue.WaitAsync(outcome.Reference!, _ct).WaitAsync(Deadline, _ct);
        Assert.True(job.State == RetrainingStates.Passed, job.Message);
        Assert.Equal(("2", "passed"), (job.Version, job.GateStatus));

        // The version went through its gates, and says so; the registry's trail names the alert.
        var version = await _registry.GetModelVersionAsync(model, "2", _ct);
        Assert.Contains(version.Tags, t => t.Key == GateReport.TagKey && t.Value == "passed");
        Assert.Equal($"runs:/{job.RunId}/model", version.Source);
        var created = Assert.Single(await _registry.EventsAsync(model), e => e.Kind == RegistryEventKinds.VersionCreated && e.Version == "2");
        Assert.Equal(AlertActionRunner.User, created.User);
        Assert.Contains(job.Id, created.Comment, StringComparison.Ordinal);
        Assert.Contains("'drift-too-high'", created.Comment, StringComparison.Ordinal);

        var run = await _tracking.GetRunAsync(job.RunId!, _ct);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Contains(run.Data.Tags, t => t.Key == PipelineRetrainer.JobTag && t.Value == job.Id);
        Assert.Contains(run.Data.Tags, t => t.Key == GateReport.TagKey && t.Value == "passed");
        var found = await _tracking.SearchRunsAsync(new RunSearchQuery([run.Info.ExperimentId], $"tags.`{PipelineRetrainer.JobTag}` = '{job.Id}'"), _ct);
        Assert.Equal(job.RunId, Assert.Single(found.Items).Info.RunId);

        // The canary rollout started; its own gates decide. Production did not move.
        var deployment = await _deployments.GetAsync(name, _ct);
        Assert.Equal((DeploymentState.Progressing, "2", "1"), (deployment.State, deployment.CandidateVersion, deployment.StableVersion));
        var started = (await _deployments.HistoryAsync(name))[^1];
        Assert.Equal((DeploymentEventKinds.RolloutStarted, AlertActionRunner.User), (started.Kind, started.User));
        Assert.Contains(job.Id, started.Reason, StringComparison.Ordinal);
        Assert.Contains("applied to deployment", job.Canary, StringComparison.Ordinal);
        Assert.Equal("1", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
        Assert.Contains(_queue.Jobs(model), j => j.Id == job.Id);
    }

    [Fact]
    public async Task Retrain_WhoseGatesFail_RegistersTheVersionAsKeelTrainWould_ButNeverPromotesOrDeploysIt()
    {
        var model = await fixture.Factory.ModelAsync(1);
        var name = "canary-" + model;
        var before = await _deployments.CreateAsync(ActionRig.Spec(name, model, "1"), ActionRig.Alice, _ct);
        // The pipeline asks for production; a log loss this low is out of reach, so its gates fail.
        var pipeline = fixture.Pipeline(model, "log_loss: {max: 0.0001}", alias: "production");

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1", name, "stable"), Retrain(pipeline, name), _ct);

        Assert.True(outcome.Succeeded, outcome.Message);
        var job = await _queue.WaitAsync(outcome.Reference!, _ct).WaitAsync(Deadline, _ct);
        Assert.True(job.State == RetrainingStates.GatesFailed, job.Message);
        Assert.StartsWith("failed", job.GateStatus, StringComparison.Ordinal);
        Assert.Contains("not promoted, not deployed", job.Message, StringComparison.Ordinal);
        Assert.Contains("the gates failed", job.Canary, StringComparison.Ordinal);

        // As keel train: registered, tagged with the failed verdict, without the alias it asked for.
        var version = await _registry.GetModelVersionAsync(model, "2", _ct);
        Assert.Contains(version.Tags, t => t.Key == GateReport.TagKey && t.Value.StartsWith("failed", StringComparison.Ordinal));
        Assert.Empty(version.Aliases);
        Assert.Equal("1", (await _registry.GetModelVersionByAliasAsync(model, "production", _ct)).Version);
        Assert.DoesNotContain(await _registry.EventsAsync(model), e => e.Kind == RegistryEventKinds.AliasSet && e.To == "2");
        var after = await _deployments.GetAsync(name, _ct);
        Assert.Equal((before.Revision, DeploymentState.Idle), (after.Revision, after.State));
    }

    [Fact]
    public async Task Retrain_TriggeredAgainWhileOneRuns_IsCoalescedIntoIt_AndOnlyOneVersionIsTrained()
    {
        var model = await fixture.Factory.ModelAsync(1);
        var pipeline = fixture.Pipeline(model, "accuracy_score: 0.9");
        var held = new HeldRetrainer(fixture.Factory.Service<IRetrainer>());
        var queue = new RetrainingQueue(held, _deployments, TimeProvider.System);
        await using (queue)
        {
            var runner = new AlertActionRunner(_deployments, _registry, queue);
            var first = await runner.RunAsync(ActionRig.Alert(model, "1"), Retrain(pipeline), _ct);
            await held.Started.WaitAsync(Deadline, _ct);

            var second = await runner.RunAsync(ActionRig.Alert(model, "1", rule: "accuracy-down"), Retrain(pipeline), _ct);

            Assert.True(second.Succeeded, second.Message);
            Assert.Equal(first.Reference, second.Reference);
            Assert.StartsWith("Coalesced", second.Message, StringComparison.Ordinal);
            Assert.Contains("running", second.Message, StringComparison.Ordinal);
            Assert.Equal((RetrainingStates.Running, 2), (queue.Get(first.Reference!)!.State, queue.Get(first.Reference!)!.Triggers));

            held.Release();
            var job = await queue.WaitAsync(first.Reference!, _ct).WaitAsync(Deadline, _ct);
            Assert.True(job.State == RetrainingStates.Passed, job.Message);
            Assert.Equal(2, job.Triggers);
            Assert.Equal(["1", "2"], (await _registry.EventsAsync(model)).Where(e => e.Kind == RegistryEventKinds.VersionCreated).Select(e => e.Version));

            // Once it ended, the next trigger starts a new retraining.
            var third = await runner.RunAsync(ActionRig.Alert(model, "2"), Retrain(pipeline), _ct);
            Assert.True(third.Succeeded, third.Message);
            Assert.NotEqual(first.Reference, third.Reference);
        }
    }

    [Fact]
    public async Task Retrain_BeyondTheQueuesCapacity_IsRefusedAndSaysSo_AndShutdownCancelsTheHeldJob()
    {
        var a = await fixture.Factory.ModelAsync(1);
        var b = await fixture.Factory.ModelAsync(1);
        var held = new HeldRetrainer(fixture.Factory.Service<IRetrainer>());
        var queue = new RetrainingQueue(held, _deployments, TimeProvider.System, new RetrainingQueueOptions { Capacity = 1 });
        var runner = new AlertActionRunner(_deployments, _registry, queue);
        string? id;
        await using (queue)
        {
            id = (await runner.RunAsync(ActionRig.Alert(a, "1"), Retrain(fixture.Pipeline(a, "accuracy_score: 0.9")), _ct)).Reference;
            await held.Started.WaitAsync(Deadline, _ct);

            var refused = await runner.RunAsync(ActionRig.Alert(b, "1"), Retrain(fixture.Pipeline(b, "accuracy_score: 0.9")), _ct);

            Assert.False(refused.Succeeded);
            Assert.StartsWith("Not queued", refused.Message, StringComparison.Ordinal);
            Assert.Null(refused.Reference);
        }

        var job = await queue.WaitAsync(id!, _ct);
        Assert.Equal(RetrainingStates.Cancelled, job.State);
        Assert.Equal(["1"], (await _registry.EventsAsync(a)).Where(e => e.Kind == RegistryEventKinds.VersionCreated).Select(e => e.Version));
    }

    [Theory]
    [InlineData("../outside.yaml", "outside the server's pipeline folder")]
    [InlineData("/etc/passwd", "outside the server's pipeline folder")]
    [InlineData("missing.yaml", "does not exist")]
    public async Task Retrain_WithAPipelineOutsideTheFolderOrMissing_IsRefused_AndNothingIsQueued(string pipeline, string expected)
    {
        var model = await fixture.Factory.ModelAsync(1);

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1"), Retrain(pipeline), _ct);

        Assert.False(outcome.Succeeded);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_queue.Jobs(model));
    }

    [Fact]
    public async Task Retrain_WithAPipelineThatRegistersAnotherModel_IsRefused()
    {
        var model = await fixture.Factory.ModelAsync(1);
        var pipeline = fixture.Pipeline("some-other-model", "accuracy_score: 0.9");

        var outcome = await _runner.RunAsync(ActionRig.Alert(model, "1"), Retrain(pipeline), _ct);

        Assert.False(outcome.Succeeded);
        Assert.Contains("registers 'some-other-model'", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_queue.Jobs(model));
    }
}
