namespace Keel.Core.Predictions;

/// <summary>The arms of a deployment, as the prediction log and the routing headers name them.</summary>
public static class DeploymentArms
{
    /// <summary>The stable version.</summary>
    public const string Stable = "stable";

    /// <summary>The candidate version being rolled out.</summary>
    public const string Candidate = "candidate";

    /// <summary>The candidate answering a mirrored copy of a request (shadow strategy); its answer never reaches the caller.</summary>
    public const string Shadow = "shadow";

    /// <summary>Every arm name.</summary>
    public static IReadOnlyList<string> All { get; } = [Stable, Candidate, Shadow];

    /// <summary>Whether <paramref name="arm"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? arm) => arm is Stable or Candidate or Shadow;
}
