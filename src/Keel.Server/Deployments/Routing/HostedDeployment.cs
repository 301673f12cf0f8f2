using Keel.Core.Deployments;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// One deployment this process serves: the newest stored record seen, the versions loaded for it
/// (stable, candidate, the previous stable during its rollback window, versions warmed for the
/// controller) and the <see cref="ArmTable"/> requests read. Changed only under <see cref="Gate"/>;
/// loads are serialised by <see cref="LoadGate"/>.
/// </summary>
internal sealed class HostedDeployment(Deployment deployment)
{
    /// <summary>Guards every field below but <see cref="Table"/>'s reads.</summary>
    public object Gate { get; } = new();

    /// <summary>One load at a time per deployment.</summary>
    public SemaphoreSlim LoadGate { get; } = new(1, 1);

    /// <summary>The deployment's name.</summary>
    public string Name { get; } = deployment.Name;

    /// <summary>The newest stored record seen (highest revision).</summary>
    public Deployment Latest { get; set; } = deployment;

    /// <summary>The loaded versions' models, by version.</summary>
    public Dictionary<string, ServedModel> Loaded { get; } = new(StringComparer.Ordinal);

    /// <summary>Versions kept loaded although no arm serves them, until a Unix-ms time: the previous stable (rollback window) and warmed versions.</summary>
    public Dictionary<string, long> KeepUntil { get; } = new(StringComparer.Ordinal);

    /// <summary>Versions whose last load failed: when, and why.</summary>
    public Dictionary<string, (long AtMs, string Problem)> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether a background load is running or scheduled (0 or 1).</summary>
    public int Loading;

    /// <summary>Whether the deployment stopped being served here (deleted); its models are released.</summary>
    public bool Closed { get; set; }

    private volatile ArmTable? _table;

    /// <summary>What requests read now; null until the stable version is loaded.</summary>
    public ArmTable? Table
    {
        get => _table;
        set => _table = value;
    }

    /// <summary>The versions an arm serves in <paramref name="deployment"/>: the stable one, and the candidate while the rollout is active.</summary>
    public static IEnumerable<string> Needed(Deployment deployment)
    {
        yield return deployment.StableVersion;
        if (deployment.State.IsRolloutActive() && deployment.CandidateVersion is { } candidate && candidate != deployment.StableVersion)
        {
            yield return candidate;
        }
    }
}
