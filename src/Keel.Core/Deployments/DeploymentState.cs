namespace Keel.Core.Deployments;

/// <summary>Where a deployment is in its life. See docs/adr/0005-deployments.md for the state machine.</summary>
public enum DeploymentState
{
    /// <summary>Serving the stable version; no rollout under way.</summary>
    Idle,

    /// <summary>A candidate is being rolled out.</summary>
    Progressing,

    /// <summary>A rollout is held where it is: its traffic split stays, no step advances.</summary>
    Paused,

    /// <summary>The last rollout finished: the candidate became the stable version.</summary>
    Promoted,

    /// <summary>The last rollout was undone: the candidate gets no traffic.</summary>
    RolledBack,

    /// <summary>The last rollout could not go on (the candidate would not load, a replica failed); the candidate gets no traffic.</summary>
    Failed,
}

/// <summary>The wire spelling of <see cref="DeploymentState"/>: <c>idle</c>, <c>progressing</c>, <c>paused</c>, <c>promoted</c>, <c>rolled_back</c>, <c>failed</c>.</summary>
public static class DeploymentStates
{
    private static readonly string[] Names = ["idle", "progressing", "paused", "promoted", "rolled_back", "failed"];

    /// <summary>The wire name.</summary>
    public static string ToWireName(this DeploymentState state) => Names[(int)state];

    /// <summary>Parses a wire name; INVALID_STATE-free: unknown names throw <see cref="ArgumentException"/> (stored data only).</summary>
    public static DeploymentState Parse(string text)
    {
        var index = Array.IndexOf(Names, text);
        return index >= 0 ? (DeploymentState)index : throw new ArgumentException($"Unknown deployment state '{text}'.", nameof(text));
    }

    /// <summary>Whether a rollout is under way (progressing or paused): a candidate may get traffic.</summary>
    public static bool IsRolloutActive(this DeploymentState state) => state is DeploymentState.Progressing or DeploymentState.Paused;
}
