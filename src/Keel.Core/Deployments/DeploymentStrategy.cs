namespace Keel.Core.Deployments;

/// <summary>How a deployment moves traffic from its stable version to a candidate (the specification's <c>DeploymentStrategy</c>).</summary>
public enum DeploymentStrategy
{
    /// <summary>The candidate is warmed and checked beside the stable version, then traffic switches at once.</summary>
    BlueGreen,

    /// <summary>Traffic moves to the candidate in steps (set weight, pause, analysis), as in Argo Rollouts.</summary>
    Canary,

    /// <summary>Replicas move to the candidate one at a time.</summary>
    Rolling,

    /// <summary>The candidate gets copies of requests; callers are answered by the stable version alone.</summary>
    Shadow,
}

/// <summary>The wire spelling of <see cref="DeploymentStrategy"/>: <c>blue_green</c>, <c>canary</c>, <c>rolling</c>, <c>shadow</c>.</summary>
public static class DeploymentStrategies
{
    /// <summary>Every wire name, in declaration order.</summary>
    public static IReadOnlyList<string> WireNames { get; } = ["blue_green", "canary", "rolling", "shadow"];

    /// <summary>The wire name.</summary>
    public static string ToWireName(this DeploymentStrategy strategy) => WireNames[(int)strategy];

    /// <summary>Parses a wire name (case-insensitive, <c>-</c> accepted for <c>_</c>); false when it names no strategy.</summary>
    public static bool TryParse(string? text, out DeploymentStrategy strategy)
    {
        var normalised = text?.Trim().Replace('-', '_').ToLowerInvariant();
        for (var i = 0; i < WireNames.Count; i++)
        {
            if (WireNames[i] == normalised)
            {
                strategy = (DeploymentStrategy)i;
                return true;
            }
        }

        strategy = default;
        return false;
    }
}
