using Keel.Core.Tracking;
using Keel.Storage.Sql.Search;

namespace Keel.Storage.Tests.Search;

/// <summary>
/// A handful of runs covering every search case: NaN and missing metrics, case-differing params and
/// tags, GLOB metacharacters in names, NULL end times, equal start times, datasets with contexts,
/// a deleted run and a run in another experiment.
/// </summary>
public sealed class RunSearchFixture : IDisposable
{
    private readonly SearchDatabase _db = new();
    private readonly Dictionary<long, string> _names = [];
    private long _nextDataset = 1;

    public RunSearchFixture()
    {
        _db.Execute("INSERT INTO experiments VALUES (1, 'one', '/a/1', 'active', 0, 0), (2, 'two', '/a/2', 'active', 0, 0)");
        AddDataset(1, "train", "d1");
        AddDataset(1, "eval", "d2");

        Run(1, "r1", "alpha", "alice", "FINISHED", 1000, 2000, "s3://b/1");
        Params(1, ("lr", "0.1"), ("model", "CNN"));
        Tags(1, ("team", "core"), ("note", "Hello"));
        Metrics(1, ("acc", 0.9), ("loss", 0.5));
        Input(1, 1, "training");

        Run(2, "r2", "beta", "bob", "RUNNING", 2000, null, "file:///x/2");
        Params(2, ("lr", "0.01"), ("model", "cnn"));
        Tags(2, ("team", "Core"));
        Metrics(2, ("acc", double.NaN), ("loss", 0.3));
        Input(2, 2, "evaluation");

        Run(3, "r3", "Gamma", "alice", "FAILED", 3000, 3500, "s3://b/3");
        Params(3, ("lr", "0.1"));
        Metrics(3, ("acc", 0.7));
        Input(3, 1, "training");
        Input(3, 2, "evaluation");

        Run(4, "r4", "delta_x", "carol", "FINISHED", 3000, 4000, "s3://b/4", lifecycle: "deleted");
        Params(4, ("lr", "1"));
        Metrics(4, ("acc", 0.95), ("loss", 0.1));

        Run(5, "r5", "ep*si?lon", "bob", "FINISHED", 500, 600, "file:///x/5");
        Params(5, ("model", "rnn%"));
        Tags(5, ("team", "ml"));
        Metrics(5, ("acc", -1.0), ("loss", 1.7976931348623157e308));

        Run(7, "r7", "eta", "dave", "KILLED", 100, null, "file:///x/7");
        Metrics(7, ("loss", double.NaN));

        Run(6, "r6", "zeta", "alice", "FINISHED", 4000, 4100, "s3://b/6", experimentId: 2);
        Metrics(6, ("acc", 0.99));
    }

    /// <summary>Searches and returns the run labels (r1, r2, ...) in result order.</summary>
    public IReadOnlyList<string> Search(
        string? filter,
        IReadOnlyList<string>? orderBy = null,
        ViewType viewType = ViewType.ActiveOnly,
        long[]? experiments = null,
        int limit = 100,
        long offset = 0) =>
        _db.Query(RunSearchSql.Build(experiments ?? [1], filter, viewType, orderBy, limit, offset, SqlDialect.Sqlite))
            .Select(key => _names[key])
            .ToList();

    public void Dispose() => _db.Dispose();

    private void Run(long key, string label, string name, string user, string status, long start, long? end, string artifactUri,
        string lifecycle = "active", long experimentId = 1)
    {
        _names[key] = label;
        // Run ids sort like their labels: r1 < r2 < ... (tie-breaks use run_uuid).
        var uuid = label[1..].PadLeft(2, '0') + new string('a', 30);
        _db.Execute(
            "INSERT INTO runs (run_key, run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage) " +
            "VALUES ($k, $u, $e, $n, $user, $s, $start, $end, $a, $l)",
            ("$k", key), ("$u", uuid), ("$e", experimentId), ("$n", name), ("$user", user), ("$s", status),
            ("$start", start), ("$end", end), ("$a", artifactUri), ("$l", lifecycle));
    }

    private void Params(long run, params (string Key, string Value)[] items)
    {
        foreach (var (k, v) in items)
        {
            _db.Execute("INSERT INTO params VALUES ($r, $k, $v)", ("$r", run), ("$k", k), ("$v", v));
        }
    }

    private void Tags(long run, params (string Key, string Value)[] items)
    {
        foreach (var (k, v) in items)
        {
            _db.Execute("INSERT INTO tags VALUES ($r, $k, $v)", ("$r", run), ("$k", k), ("$v", v));
        }
    }

    private void Metrics(long run, params (string Key, double Value)[] items)
    {
        foreach (var (k, v) in items)
        {
            var nan = double.IsNaN(v);
            _db.Execute(
                "INSERT INTO latest_metrics VALUES ($r, $k, $v, $n, 0, 0, 0)",
                ("$r", run), ("$k", k), ("$v", nan ? 0.0 : v), ("$n", nan ? 1 : 0));
        }
    }

    private void AddDataset(long experimentId, string name, string digest) =>
        _db.Execute(
            "INSERT INTO datasets (dataset_key, experiment_id, name, digest, source_type, source) VALUES ($k, $e, $n, $d, 'local', '/data')",
            ("$k", _nextDataset++), ("$e", experimentId), ("$n", name), ("$d", digest));

    private void Input(long run, long dataset, string context)
    {
        _db.Execute("INSERT INTO inputs VALUES ($r, $d)", ("$r", run), ("$d", dataset));
        _db.Execute("INSERT INTO input_tags VALUES ($r, $d, 'mlflow.data.context', $c)", ("$r", run), ("$d", dataset), ("$c", context));
    }
}
