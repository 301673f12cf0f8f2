using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Search;

/// <summary>10,000 runs with 5 params (p0..p4) and 5 metrics (m0..m4) each; start_time grows with run_key.</summary>
public sealed class TenThousandRunsFixture : IDisposable
{
    private const int Runs = 10_000;
    private readonly SearchDatabase _db = new();

    public TenThousandRunsFixture()
    {
        _db.Execute("INSERT INTO experiments VALUES (1, 'e', '/a', 'active', 0, 0)");
        using var tx = _db.Connection.BeginTransaction();
        using var run = Command(
            "INSERT INTO runs (run_key, run_uuid, experiment_id, name, user_id, status, start_time, artifact_uri) " +
            "VALUES ($k, $u, 1, 'n', 'u', 'FINISHED', $s, '/a')", "$k", "$u", "$s");
        using var param = Command("INSERT INTO params VALUES ($k, $key, $v)", "$k", "$key", "$v");
        using var metric = Command("INSERT INTO latest_metrics VALUES ($k, $key, $v, 0, 0, 0, 0)", "$k", "$key", "$v");
        var random = new Random(7);
        for (var i = 1; i <= Runs; i++)
        {
            Run(run, i, i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), 1000L * i);
            for (var j = 0; j < 5; j++)
            {
                Run(param, i, "p" + j, "v" + random.Next(100));
                Run(metric, i, "m" + j, random.NextDouble());
            }
        }

        tx.Commit();
    }

    public void Dispose() => _db.Dispose();

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params string[] names)
    {
        var command = _db.Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    internal SearchDatabase Db => _db;
}
