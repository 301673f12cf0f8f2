namespace Keel.Core.Deployments;

// The rolling policy: bake, ready timeout and heartbeat timeout.
public static partial class DeploymentSpecValidator
{
    /// <summary>The default bake time of a moved replica.</summary>
    public const string DefaultRollingBake = "30s";

    /// <summary>The default time a moved replica has to report ready.</summary>
    public const string DefaultRollingReadyTimeout = "2m";

    /// <summary>The default silence after which a replica counts as gone.</summary>
    public const string DefaultRollingHeartbeatTimeout = "15s";

    /// <summary>The longest any rolling duration may be.</summary>
    public static readonly TimeSpan MaxRollingDuration = TimeSpan.FromDays(1);

    /// <summary>The policy's durations, with defaults for what is missing (a stored policy is already valid).</summary>
    public static (TimeSpan Bake, TimeSpan ReadyTimeout, TimeSpan HeartbeatTimeout) RollingDurations(RollingPolicy? policy) => (
        ParseDuration(policy?.Bake ?? DefaultRollingBake) ?? TimeSpan.FromSeconds(30),
        ParseDuration(policy?.ReadyTimeout ?? DefaultRollingReadyTimeout) ?? TimeSpan.FromMinutes(2),
        ParseDuration(policy?.HeartbeatTimeout ?? DefaultRollingHeartbeatTimeout) ?? TimeSpan.FromSeconds(15));

    private static RollingPolicy? Rolling(List<string> errors, RollingPolicy? policy, DeploymentStrategy strategy)
    {
        if (strategy != DeploymentStrategy.Rolling)
        {
            if (policy is not null)
            {
                errors.Add($"'rolling' is for rolling rollouts, not {strategy.ToWireName()}.");
            }

            return null;
        }

        policy ??= new RollingPolicy();
        var bake = RollingDuration(errors, policy.Bake, DefaultRollingBake, "rolling.bake", allowZero: true);
        var ready = RollingDuration(errors, policy.ReadyTimeout, DefaultRollingReadyTimeout, "rolling.ready_timeout", allowZero: false);
        var heartbeat = RollingDuration(errors, policy.HeartbeatTimeout, DefaultRollingHeartbeatTimeout, "rolling.heartbeat_timeout", allowZero: false);
        return new RollingPolicy { Bake = bake, ReadyTimeout = ready, HeartbeatTimeout = heartbeat };
    }

    private static string? RollingDuration(List<string> errors, string? text, string fallback, string field, bool allowZero)
    {
        text ??= fallback;
        var duration = ParseDuration(text);
        if (duration is null)
        {
            errors.Add($"Invalid duration '{Shown(text)}' in '{field}': use a whole number and a unit (500ms, 30s, 10m, 2h).");
            return null;
        }

        if (duration > MaxRollingDuration || (!allowZero && duration == TimeSpan.Zero))
        {
            errors.Add($"Invalid duration '{Shown(text)}' in '{field}': it must be {(allowZero ? "from 0" : "more than 0")} to 1d.");
            return null;
        }

        return text.Trim();
    }
}
