using System.Collections.Concurrent;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Registry;

namespace Keel.Server.Deployments.Controller;

/// <summary>
/// Moves one deployment one step toward where its spec and its signals say it should be. Everything
/// it decides from is the stored deployment (state, step, weight, <see cref="Deployment.StateChangedAt"/>)
/// and the analysis of the arms' traffic, so a controller that restarts (or another server that
/// takes the lease over) picks up exactly where the last one was. It acts only through
/// <see cref="DeploymentService"/>, so every change passes the state machine, the promotion guard
/// and the audit trail, and a change that loses a race against a person (a pause, a rollback) is
/// decided again on what is stored, or refused.
/// </summary>
/// <remarks>See docs/deployments.md, "The controller", for the rules of each step.</remarks>
public sealed partial class DeploymentReconciler(
    DeploymentService service,
    TimeProvider time,
    DeploymentControllerOptions options,
    ILogger<DeploymentReconciler> logger,
    IDeploymentAnalysis? analysis = null,
    IDeploymentArmWarmer? warmer = null,
    IBlueGreenCheck? blueGreenCheck = null)
{
    // Candidates this controller has warmed, by deployment: in memory only, so a new holder of the
    // lease warms again (warming a loaded version is cheap and idempotent).
    private readonly ConcurrentDictionary<string, string> _warmed = new(StringComparer.Ordinal);

    // The revision whose production (alias, stage) was last found right, by deployment.
    private readonly ConcurrentDictionary<string, long> _productionChecked = new(StringComparer.Ordinal);

    private static Actor Controller(string why) => new(DeploymentControllerOptions.ActorName, why);

    /// <summary>Forgets what this process remembers (warm candidates, checked production); called when the lease is (re)taken.</summary>
    public void Forget()
    {
        _warmed.Clear();
        _productionChecked.Clear();
    }

    /// <summary>Looks at one deployment and takes at most one action on it.</summary>
    /// <returns>What was done, for logs and tests.</returns>
    public async Task<ReconcileAction> ReconcileAsync(Deployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Strategy == DeploymentStrategy.Rolling)
        {
            return ReconcileAction.None; // The rolling updater moves replicas; its deployment is not ours.
        }

        if (!deployment.State.IsRolloutActive())
        {
            _warmed.TryRemove(deployment.Name, out _);
            return await RepairIfNeededAsync(deployment, cancellationToken).ConfigureAwait(false);
        }

        if (await RepairIfNeededAsync(deployment, cancellationToken).ConfigureAwait(false) != ReconcileAction.None)
        {
            return ReconcileAction.ProductionRepaired;
        }

        if (!IsWarm(deployment))
        {
            return await WarmAsync(deployment, cancellationToken).ConfigureAwait(false);
        }

        if (deployment.Strategy == DeploymentStrategy.BlueGreen)
        {
            return deployment.State == DeploymentState.Progressing
                ? await SwitchBlueGreenAsync(deployment, cancellationToken).ConfigureAwait(false)
                : ReconcileAction.None;
        }

        var continuous = await CheckGatesAsync(deployment, cancellationToken).ConfigureAwait(false);
        if (continuous is { Outcome: AnalysisOutcome.Failed })
        {
            await service.RollbackAsync(deployment.Name, Controller("automatic rollback: " + Failures(continuous)), continuous.Evidence, cancellationToken).ConfigureAwait(false);
            Log.RolledBack(logger, deployment.Name, deployment.CandidateVersion, Failures(continuous));
            return ReconcileAction.RolledBack;
        }

        return deployment.State == DeploymentState.Progressing
            ? await RunStepAsync(deployment, continuous, cancellationToken).ConfigureAwait(false)
            : ReconcileAction.None;
    }

    /// <summary>
    /// Evaluates every configured gate while the candidate gets traffic (a canary weight above 0, or
    /// shadow copies), over the window since the current step began; null when there is nothing to judge.
    /// </summary>
    private async Task<AnalysisVerdict?> CheckGatesAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var gates = deployment.Spec.Gates?.Configured() ?? [];
        var hasTraffic = deployment.CandidateWeight > 0 || deployment.Strategy == DeploymentStrategy.Shadow;
        if (analysis is null || gates.Count == 0 || !hasTraffic)
        {
            return null;
        }

        return await analysis.AnalyzeAsync(deployment, gates, deployment.StateChangedAt, cancellationToken).ConfigureAwait(false);
    }

    private bool IsWarm(Deployment deployment) =>
        warmer is null || (_warmed.TryGetValue(deployment.Name, out var version) && version == deployment.CandidateVersion);

    private async Task<ReconcileAction> WarmAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var candidate = deployment.CandidateVersion!;
        var warmup = await warmer!.WarmAsync(deployment, candidate, cancellationToken).ConfigureAwait(false);
        if (warmup.Ready)
        {
            _warmed[deployment.Name] = candidate;
            Log.Warmed(logger, deployment.Name, candidate, warmup.LoadMilliseconds);
            return ReconcileAction.Warmed;
        }

        var evidence = Json(new { warmup });
        await service.FailAsync(deployment.Name, Controller($"candidate {candidate} is not ready: {warmup.Problem}"), evidence, cancellationToken).ConfigureAwait(false);
        Log.Failed(logger, deployment.Name, candidate, warmup.Problem ?? "not ready");
        return ReconcileAction.Failed;
    }

    private async Task<ReconcileAction> RepairIfNeededAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        if (_productionChecked.TryGetValue(deployment.Name, out var revision) && revision == deployment.Revision)
        {
            return ReconcileAction.None;
        }

        Deployment? repaired;
        try
        {
            repaired = await service.RepairProductionAsync(deployment.Name, Controller("production did not point at the stable version"), cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
        {
            // The guard refuses the stable version (its validation failed since): a person must decide.
            Log.RepairRefused(logger, deployment.Name, e.Message);
            _productionChecked[deployment.Name] = deployment.Revision;
            return ReconcileAction.None;
        }

        if (repaired is null)
        {
            _productionChecked[deployment.Name] = deployment.Revision;
            return ReconcileAction.None;
        }

        _productionChecked[deployment.Name] = repaired.Revision;
        Log.Repaired(logger, deployment.Name, repaired.StableVersion);
        return ReconcileAction.ProductionRepaired;
    }

    private static string Failures(AnalysisVerdict verdict) =>
        string.Join("; ", verdict.Gates.Where(g => g.Outcome == AnalysisOutcome.Failed).Select(g => $"gate {g.Gate} failed: {g.Summary}"));

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value, KeelJson.Options);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>What one reconciliation did.</summary>
public enum ReconcileAction
{
    /// <summary>Nothing: the deployment is where it should be, or is waiting.</summary>
    None,

    /// <summary>The candidate was warmed (loaded and scored) before it gets traffic.</summary>
    Warmed,

    /// <summary>The current step was done and the next began.</summary>
    Advanced,

    /// <summary>The rollout was promoted.</summary>
    Promoted,

    /// <summary>A gate failed: the candidate went to 0%.</summary>
    RolledBack,

    /// <summary>The candidate could not serve: the rollout failed.</summary>
    Failed,

    /// <summary>An analysis stayed inconclusive too long: the rollout was paused for a person.</summary>
    Paused,

    /// <summary>Production did not point at the stable version and was moved back.</summary>
    ProductionRepaired,
}
