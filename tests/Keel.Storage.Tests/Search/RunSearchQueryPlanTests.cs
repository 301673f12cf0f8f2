using Keel.Core.Tracking;
using Keel.Storage.Sql.Search;

namespace Keel.Storage.Tests.Search;

/// <summary>Checks index use on 10,000 runs (plans only; no timings).</summary>
public sealed class RunSearchQueryPlanTests(TenThousandRunsFixture data) : IClassFixture<TenThousandRunsFixture>
{
    private readonly SearchDatabase _db = data.Db;

    [Fact]
    public void MetricFilterAndMetricOrder_WalkTheMetricIndex_AndProbeByPrimaryKey()
    {
        var text = RunSearchSql.Build([1], "metrics.m1 > 0.5", ViewType.ActiveOnly, ["metrics.m2 DESC"], 100, 0, SqlDialect.Sqlite);
        var plan = _db.QueryPlan(text);

        Assert.Contains(plan, line => line.Contains("COVERING INDEX ix_latest_metrics_key_nan_value (key=? AND is_nan=?)", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("SEARCH r USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("SEARCH f0", StringComparison.Ordinal) && line.Contains("PRIMARY KEY (run_key=? AND key=?)", StringComparison.Ordinal));
        // The first arm sorts only the tie-break terms, not every run.
        Assert.Contains(plan, line => line.Contains("TEMP B-TREE FOR LAST", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN latest_metrics", StringComparison.Ordinal) || line.StartsWith("SCAN r", StringComparison.Ordinal));

        var page = _db.Query(text);
        Assert.Equal(100, page.Count);
    }

    [Fact]
    public void DefaultOrder_WalksTheRunsIndex_WithoutSorting()
    {
        var text = RunSearchSql.Build([1], "metrics.m1 > 0.5 AND params.p1 LIKE 'v1%'", ViewType.ActiveOnly, null, 100, 0, SqlDialect.Sqlite);
        var plan = _db.QueryPlan(text);

        Assert.Contains(plan, line => line.Contains("SEARCH r USING INDEX ix_runs_experiment_start", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("value>?", StringComparison.Ordinal));
    }

    [Fact]
    public void OrderByRunName_WalksTheNameIndex()
    {
        var text = RunSearchSql.Build([1], "metrics.m1 > 0.5", ViewType.ActiveOnly, ["attributes.run_name"], 100, 0, SqlDialect.Sqlite);
        var plan = _db.QueryPlan(text);

        Assert.Contains(plan, line => line.Contains("SEARCH r USING INDEX ix_runs_experiment_name", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
    }

    [Fact]
    public void ParamEquality_CollectsTheMatchingRunsFromTheKeyValueIndex()
    {
        var text = RunSearchSql.Build([1], "params.p1 = 'v5'", ViewType.ActiveOnly, ["params.p2"], 100, 0, SqlDialect.Sqlite);
        var plan = _db.QueryPlan(text);

        Assert.Contains(plan, line => line.Contains("ix_params_key_value (key=? AND value=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN params", StringComparison.Ordinal));
        Assert.NotEmpty(_db.Query(text));
    }

    [Fact]
    public void MetricOrder_FirstPage_MatchesAFullSortInMemory()
    {
        var text = RunSearchSql.Build([1], "metrics.m1 > 0.5", ViewType.ActiveOnly, ["metrics.m2 DESC"], 100, 0, SqlDialect.Sqlite);
        var page = _db.Query(text);

        var expected = new List<(long Key, double M2)>();
        using (var command = _db.Connection.CreateCommand())
        {
            command.CommandText =
                "SELECT a.run_key, b.value FROM latest_metrics a JOIN latest_metrics b ON b.run_key = a.run_key AND b.key = 'm2' " +
                "WHERE a.key = 'm1' AND a.value > 0.5";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                expected.Add((reader.GetInt64(0), reader.GetDouble(1)));
            }
        }

        // start_time grows with run_key here, so the tie-break start_time DESC is run_key DESC.
        var top = expected.OrderByDescending(e => e.M2).ThenByDescending(e => e.Key).Take(100).Select(e => e.Key);
        Assert.Equal(top, page);
    }
}
