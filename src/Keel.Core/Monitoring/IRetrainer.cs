namespace Keel.Core.Monitoring;

/// <summary>
/// Trains a pipeline file for the <see cref="RetrainingQueue"/>: the train → gate → register
/// workflow behind <c>keel train</c>, on the host's own stores. Keel.ML implements it; Core keeps
/// the rules around it (one retraining per model, a bounded queue, no rollout without passed gates).
/// </summary>
public interface IRetrainer
{
    /// <summary>
    /// Checks, before anything is queued, that <paramref name="pipeline"/> can be read and registers
    /// <paramref name="model"/>; returns the pipeline's full path.
    /// </summary>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE naming what is wrong.</exception>
    Task<string> CheckAsync(string model, string pipeline, CancellationToken cancellationToken = default);

    /// <summary>Trains, logs, gates and registers as <c>keel train</c> does; the alias or stage the pipeline asks for is applied only when every gate passed.</summary>
    /// <param name="request">What to train and whom to record it under.</param>
    /// <param name="progress">Where the run id and the phases go as they happen.</param>
    /// <param name="cancellationToken">Stops training (the run ends KILLED).</param>
    Task<RetrainResult> TrainAsync(RetrainRequest request, IRetrainProgress progress, CancellationToken cancellationToken = default);
}

/// <summary>What a retrainer reports while it trains.</summary>
public interface IRetrainProgress
{
    /// <summary>The tracking run was created.</summary>
    void RunStarted(string runId);

    /// <summary>A phase began, e.g. <c>registering 'credit'</c>; or a warning, e.g. a failed gate.</summary>
    void Report(string text);
}

/// <summary>One retraining to run.</summary>
/// <param name="JobId">The retraining job.</param>
/// <param name="Model">The registered model it retrains (the pipeline registers it).</param>
/// <param name="Pipeline">The pipeline file's full path (as <see cref="IRetrainer.CheckAsync"/> returned it).</param>
/// <param name="User">Who the run and registry changes are recorded under.</param>
/// <param name="Comment">The reason kept in the registry's trail: names the alert.</param>
public sealed record RetrainRequest(string JobId, string Model, string Pipeline, string User, string Comment);

/// <summary>What a retraining did.</summary>
/// <param name="RunId">The tracking run.</param>
/// <param name="Version">The version registered, or null when the pipeline registered none.</param>
/// <param name="GatesPassed">Whether every validation gate passed.</param>
/// <param name="GateStatus">The gates' verdict as tagged on the run and version (<c>passed</c>, <c>failed: ...</c>).</param>
/// <param name="AliasApplied">Whether the alias or stage the pipeline asks for was applied (only with passed gates).</param>
public sealed record RetrainResult(string RunId, string? Version, bool GatesPassed, string GateStatus, bool AliasApplied);
