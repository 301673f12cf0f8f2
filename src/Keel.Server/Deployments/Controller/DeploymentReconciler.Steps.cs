using Keel.Core.Deployments;
using Keel.Core.Predictions;

namespace Keel.Server.Deployments.Controller;

// The canary steps (set_weight, pause, analysis) and the blue-green switch.
public sealed partial class DeploymentReconciler
{
    private async Task<ReconcileAction> RunStepAsync(Deployment deployment, AnalysisVerdict? continuous, CancellationToken cancellationToken)
    {
        var step = DeploymentStateMachine.CurrentStep(deployment);
        if (step is null)
        {
            if ((deployment.Spec.Steps ?? []).Count == 0 && deployment.Strategy == DeploymentStrategy.Shadow)
            {
                return ReconcileAction.None; // A shadow without steps mirrors until a person promotes or rolls back.
            }

            return await AdvanceAsync(deployment, "no step left", null, cancellationToken).ConfigureAwait(false);
        }

        if (step.SetWeight is { } weight)
        {
            return await AdvanceAsync(deployment, $"weight {weight}% set", null, cancellationToken).ConfigureAwait(false);
        }

        if (step.Pause is { } pause)
        {
            return await PauseStepAsync(deployment, pause, cancellationToken).ConfigureAwait(false);
        }

        if (step.Analysis is { } analysisStep)
        {
            return await AnalysisStepAsync(deployment, analysisStep, continuous, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileAction.None;
    }

    private async Task<ReconcileAction> PauseStepAsync(Deployment deployment, PauseStep pause, CancellationToken cancellationToken)
    {
        if (pause is { Duration: null, MinRequests: null })
        {
            return ReconcileAction.None; // A manual pause: the state machine pauses on entering it; resume ends it.
        }

        var baked = Now() - deployment.StateChangedAt;
        var duration = DeploymentSpecValidator.ParseDuration(pause.Duration);
        if (duration is { } d && baked < (long)d.TotalMilliseconds)
        {
            return ReconcileAction.None;
        }

        long? requests = null;
        if (pause.MinRequests is { } min)
        {
            if (analysis is null)
            {
                return ReconcileAction.None; // Nothing in this process counts requests: hold.
            }

            var arm = deployment.Strategy == DeploymentStrategy.Shadow ? DeploymentArms.Shadow : DeploymentArms.Candidate;
            var counts = await analysis.CountAsync(deployment, arm, deployment.StateChangedAt, cancellationToken).ConfigureAwait(false);
            if (counts.Requests < min)
            {
                return ReconcileAction.None;
            }

            requests = counts.Requests;
        }

        var evidence = Json(new { pause = new { baked_ms = baked, duration = pause.Duration, min_requests = pause.MinRequests, candidate_requests = requests } });
        return await AdvanceAsync(deployment, "pause done", evidence, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileAction> AnalysisStepAsync(Deployment deployment, AnalysisStep step, AnalysisVerdict? continuous, CancellationToken cancellationToken)
    {
        if (analysis is null)
        {
            return ReconcileAction.None; // Nothing in this process can judge: hold where it is.
        }

        var configured = deployment.Spec.Gates?.Configured() ?? [];
        var gates = step.Gates ?? configured;
        var verdict = continuous is not null && gates.SequenceEqual(configured, StringComparer.Ordinal)
            ? continuous
            : await analysis.AnalyzeAsync(deployment, gates, deployment.StateChangedAt, cancellationToken).ConfigureAwait(false);
        switch (verdict.Outcome)
        {
            case AnalysisOutcome.Passed:
                return await AdvanceAsync(deployment, "analysis passed: " + string.Join(", ", verdict.Gates.Select(g => g.Gate)), verdict.Evidence, cancellationToken).ConfigureAwait(false);
            case AnalysisOutcome.Failed:
                await service.RollbackAsync(deployment.Name, Controller("automatic rollback: " + Failures(verdict)), verdict.Evidence, cancellationToken).ConfigureAwait(false);
                Log.RolledBack(logger, deployment.Name, deployment.CandidateVersion, Failures(verdict));
                return ReconcileAction.RolledBack;
            default:
                if (Now() - deployment.StateChangedAt < (long)options.InconclusiveTimeout.TotalMilliseconds)
                {
                    return ReconcileAction.None;
                }

                var why = $"analysis inconclusive for {options.InconclusiveTimeout}: " + string.Join("; ", verdict.Gates.Select(g => $"{g.Gate}: {g.Summary}"));
                await service.PauseAsync(deployment.Name, Controller(why), cancellationToken).ConfigureAwait(false);
                Log.PausedInconclusive(logger, deployment.Name, why);
                return ReconcileAction.Paused;
        }
    }

    private async Task<ReconcileAction> SwitchBlueGreenAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        if (blueGreenCheck is not null)
        {
            var check = await blueGreenCheck.CheckAsync(deployment, cancellationToken).ConfigureAwait(false);
            if (!check.Passed)
            {
                await service.FailAsync(deployment.Name, Controller($"blue-green check failed: {check.Summary}"), check.Evidence, cancellationToken).ConfigureAwait(false);
                Log.Failed(logger, deployment.Name, deployment.CandidateVersion!, check.Summary);
                return ReconcileAction.Failed;
            }

            return await AdvanceAsync(deployment, $"blue-green check passed: {check.Summary}", check.Evidence, cancellationToken).ConfigureAwait(false);
        }

        return await AdvanceAsync(deployment, "candidate warm and ready", null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileAction> AdvanceAsync(Deployment deployment, string why, System.Text.Json.JsonElement? evidence, CancellationToken cancellationToken)
    {
        var next = await service.AdvanceAsync(deployment.Name, Controller(why), evidence, cancellationToken).ConfigureAwait(false);
        if (next.State == DeploymentState.Promoted)
        {
            Log.Promoted(logger, deployment.Name, next.StableVersion);
            return ReconcileAction.Promoted;
        }

        Log.Advanced(logger, deployment.Name, next.StepIndex, next.CandidateWeight);
        return ReconcileAction.Advanced;
    }
}
