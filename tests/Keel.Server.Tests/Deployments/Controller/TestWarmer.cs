using System.Collections.Concurrent;
using Keel.Core.Deployments;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>An <see cref="IDeploymentArmWarmer"/> for step-logic tests: versions listed in <see cref="Broken"/> are not ready.</summary>
internal sealed class TestWarmer : IDeploymentArmWarmer
{
    public ConcurrentBag<string> Broken { get; } = [];

    public ConcurrentQueue<string> Warmed { get; } = new();

    public Task<ArmWarmup> WarmAsync(Deployment deployment, string version, CancellationToken cancellationToken = default)
    {
        Warmed.Enqueue(version);
        return Task.FromResult(Broken.Contains(version)
            ? new ArmWarmup(version, false, 3, false, $"version {version} would not load")
            : new ArmWarmup(version, true, 3, true, null));
    }
}
