namespace Keel.Core.Deployments;

/// <summary>
/// Loads a version beside the versions a deployment already serves and proves it can answer, before
/// it gets traffic: the blue-green check and the start of every rollout. Implemented by the serving
/// process that hosts the deployment's arms (routing); called by the controller.
/// </summary>
public interface IDeploymentArmWarmer
{
    /// <summary>
    /// Loads <paramref name="version"/> of the deployment's model (or finds it loaded), keeps it warm
    /// for the deployment, and scores the model's input example with it.
    /// </summary>
    /// <returns>What the check found; <see cref="ArmWarmup.Ready"/> false, with the problem, when the version cannot serve.</returns>
    Task<ArmWarmup> WarmAsync(Deployment deployment, string version, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of warming a version.</summary>
/// <param name="Version">The version warmed.</param>
/// <param name="Ready">Whether it loaded and answered.</param>
/// <param name="LoadMilliseconds">Time spent loading (0 when it was already loaded).</param>
/// <param name="ExampleScored">Whether the model's input example was scored (false when the model has none).</param>
/// <param name="Problem">Why it is not ready; null when ready.</param>
public sealed record ArmWarmup(string Version, bool Ready, long LoadMilliseconds, bool ExampleScored, string? Problem);
