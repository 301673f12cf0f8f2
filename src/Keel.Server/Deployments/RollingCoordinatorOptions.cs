namespace Keel.Server.Deployments;

/// <summary>Settings of the rolling coordinator (configuration section <c>Keel:Deployments:Rolling</c>).</summary>
public sealed class RollingCoordinatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Deployments:Rolling";

    /// <summary>What <see cref="IsValid"/> checks, for the start-up error.</summary>
    public const string Rule = "Keel:Deployments:Rolling: TickInterval must be more than 0 (or 0 to switch the coordinator off), LeaseDuration more than TickInterval, ReplicaExpiry more than 0.";

    /// <summary>How often the coordinator looks at every rolling deployment; 0 switches it off in this process.</summary>
    /// <value>1 second.</value>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the coordinator's store lease (<c>deployments-rolling</c>) lasts between renewals; another process takes over after it lapses.</summary>
    /// <value>15 seconds.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Replicas not heard from for this long are forgotten (they register again when they come back).</summary>
    /// <value>10 minutes.</value>
    public TimeSpan ReplicaExpiry { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether the settings hold together.</summary>
    public bool IsValid() => TickInterval >= TimeSpan.Zero && (TickInterval == TimeSpan.Zero || LeaseDuration > TickInterval) && ReplicaExpiry > TimeSpan.Zero;
}
