namespace Keel.Core.Monitoring;

/// <summary>The states of a <see cref="RetrainingJob"/>.</summary>
public static class RetrainingStates
{
    /// <summary>Waiting for the trainer (one retraining runs at a time on a host).</summary>
    public const string Queued = "queued";

    /// <summary>Training, gating, registering.</summary>
    public const string Running = "running";

    /// <summary>Trained and every gate passed (and the canary rollout, if named, was asked for).</summary>
    public const string Passed = "passed";

    /// <summary>Trained, but a gate failed: registered as <c>keel train</c> would, never promoted or deployed.</summary>
    public const string GatesFailed = "gates_failed";

    /// <summary>The pipeline, data or a store failed.</summary>
    public const string Failed = "failed";

    /// <summary>Stopped because the host shut down.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Whether a job in <paramref name="state"/> is over.</summary>
    public static bool IsFinal(string state) => state is not (Queued or Running);
}

/// <summary>One retraining started by an alert, as <see cref="RetrainingQueue"/> reports it.</summary>
public sealed record RetrainingJob
{
    /// <summary>The job's id (the reference of the action's outcome).</summary>
    public required string Id { get; init; }

    /// <summary>The registered model retrained.</summary>
    public required string Model { get; init; }

    /// <summary>The pipeline file (full path on the host).</summary>
    public required string Pipeline { get; init; }

    /// <summary>The alert that started it, for people (<see cref="AlertActionRunner.Describe"/>).</summary>
    public required string Alert { get; init; }

    /// <summary>The deployment the new version is rolled out on when its gates pass; null: register only.</summary>
    public string? CanaryDeployment { get; init; }

    /// <summary>One of <see cref="RetrainingStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>How many firings asked for it (the first, plus those coalesced into it while it was queued or running).</summary>
    public int Triggers { get; init; } = 1;

    /// <summary>When it was queued, Unix ms.</summary>
    public long QueuedAtMs { get; init; }

    /// <summary>When training began, Unix ms.</summary>
    public long? StartedAtMs { get; init; }

    /// <summary>When it ended, Unix ms.</summary>
    public long? EndedAtMs { get; init; }

    /// <summary>The tracking run, once created.</summary>
    public string? RunId { get; init; }

    /// <summary>The version registered, once registered.</summary>
    public string? Version { get; init; }

    /// <summary>The gates' verdict (<c>passed</c>, <c>failed: ...</c>), once gated.</summary>
    public string? GateStatus { get; init; }

    /// <summary>What became of the canary rollout, when one was named.</summary>
    public string? Canary { get; init; }

    /// <summary>The last phase while it runs; what happened once it ended.</summary>
    public string? Message { get; init; }
}

/// <summary>Hears what retraining jobs do (the server writes it to its log).</summary>
public interface IRetrainingObserver
{
    /// <summary>A job was queued, started, or ended.</summary>
    void Changed(RetrainingJob job);

    /// <summary>A trigger joined a job queued or running for the same model.</summary>
    void Coalesced(RetrainingJob job);

    /// <summary>A running job reported a phase or a warning.</summary>
    void Progress(RetrainingJob job, string text);
}

/// <summary>Options of <see cref="RetrainingQueue"/>.</summary>
public sealed class RetrainingQueueOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Monitoring:Retraining";

    /// <summary>Most jobs queued or running at once (one per model at most); a trigger beyond it is refused and said so.</summary>
    /// <value>16.</value>
    public int Capacity { get; set; } = 16;

    /// <summary>Ended jobs kept for reading (newest first).</summary>
    /// <value>100.</value>
    public int KeepEnded { get; set; } = 100;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (Capacity is < 1 or > 10_000 || KeepEnded is < 0 or > 100_000)
        {
            throw new InvalidOperationException($"{Section}: Capacity must be between 1 and 10000 and KeepEnded between 0 and 100000.");
        }
    }
}
