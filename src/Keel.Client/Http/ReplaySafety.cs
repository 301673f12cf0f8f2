namespace Keel.Client.Http;

/// <summary>
/// Which calls the client may send again after the server may have received them, by MLflow's (and
/// Keel's) semantics of a repeated call. A call is replayed when a repeat leaves the store as one
/// call leaves it: reads and searches (MLflow sends searches as POST); <c>log-metric</c> and the
/// metrics of <c>log-batch</c> (the client fixes each point's timestamp before sending, and an
/// exact repeat of (run, key, step, timestamp, value) is one point, as in MLflow's own SQL store);
/// <c>log-parameter</c> (the same value again is accepted); tags, aliases, stages, descriptions,
/// updates (they set a value); deletes and restores (the object ends deleted or restored; a replay
/// after a committed delete may answer RESOURCE_DOES_NOT_EXIST). The calls below are not: each
/// would make a second object or act twice.
/// </summary>
internal static class ReplaySafety
{
    /// <summary>Relative request paths a repeat would not leave as one call leaves them, with why.</summary>
    private static readonly Dictionary<string, string> NotReplayed = new(StringComparer.Ordinal)
    {
        ["api/2.0/mlflow/experiments/create"] = "a repeat after a committed create fails with RESOURCE_ALREADY_EXISTS",
        ["api/2.0/mlflow/runs/create"] = "a repeat creates a second run",
        ["api/2.0/mlflow/runs/log-model"] = "a repeat appends a second entry to the run's mlflow.log-model.history tag",
        ["api/2.0/mlflow/registered-models/create"] = "a repeat after a committed create fails with RESOURCE_ALREADY_EXISTS",
        ["api/2.0/mlflow/registered-models/rename"] = "a repeat after a committed rename fails: the old name is gone",
        ["api/2.0/mlflow/model-versions/create"] = "a repeat creates a second version",
        ["api/2.0/keel/registry/rollback"] = "a repeat rolls back one step further",
    };

    /// <summary>How the call to <paramref name="relativePath"/> (e.g. <c>api/2.0/mlflow/runs/create</c>) may be replayed.</summary>
    public static Replay For(string relativePath) => NotReplayed.ContainsKey(relativePath) ? Replay.BeforeSent : Replay.Always;

    /// <summary>The calls that are not replayed after they may have reached the server, with why (for docs and tests).</summary>
    public static IReadOnlyDictionary<string, string> NotReplayedCalls => NotReplayed;
}
