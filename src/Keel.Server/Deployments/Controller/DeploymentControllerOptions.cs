namespace Keel.Server.Deployments.Controller;

/// <summary>The deployment controller's settings (configuration section <c>Keel:Deployments:Controller</c>).</summary>
public sealed class DeploymentControllerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Deployments:Controller";

    /// <summary>The store lease the one acting controller holds.</summary>
    public const string LeaseName = "deployments-controller";

    /// <summary>The actor the controller's changes are recorded under.</summary>
    public const string ActorName = "keel-controller";

    /// <summary>Whether this server runs a controller (it still acts only while it holds the lease).</summary>
    /// <value>true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the controller looks at every deployment when nothing wakes it earlier.</summary>
    /// <value>200 ms.</value>
    public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a lease lasts without renewal: after a crash, another server takes over at most this long after the last renewal.</summary>
    /// <value>10 s.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an <c>analysis</c> step may stay inconclusive (too few requests or labels) before
    /// the controller pauses the rollout for a person to decide. The candidate keeps its weight.
    /// </summary>
    /// <value>30 min.</value>
    public TimeSpan InconclusiveTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Checks the values; throws at start-up on a bad one.</summary>
    public void Validate()
    {
        if (Tick <= TimeSpan.Zero || Tick > TimeSpan.FromMinutes(1))
        {
            throw new InvalidOperationException($"{Section}:Tick must be in (0, 1 min]; it is {Tick}.");
        }

        if (LeaseDuration < Tick * 3)
        {
            throw new InvalidOperationException($"{Section}:LeaseDuration must be at least three ticks ({Tick * 3}); it is {LeaseDuration}.");
        }

        if (InconclusiveTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:InconclusiveTimeout must be positive; it is {InconclusiveTimeout}.");
        }
    }
}
