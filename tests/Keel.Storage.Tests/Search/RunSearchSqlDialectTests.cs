using Keel.Core.Tracking;
using Keel.Storage.Sql.Search;

namespace Keel.Storage.Tests.Search;

public class RunSearchSqlDialectTests
{
    [Fact]
    public void Sqlite_LikeIsGlob_IlikeIsLike()
    {
        var text = RunSearchSql.Build([1], "params.a LIKE 'x_%*' AND tags.b ILIKE 'y%'", ViewType.ActiveOnly, null, 10, 0, SqlDialect.Sqlite);
        Assert.Contains("GLOB @p", text.Sql, StringComparison.Ordinal);
        Assert.Contains("+f1.value LIKE @p", text.Sql, StringComparison.Ordinal);
        Assert.Contains("x?*[*]", text.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void PostgreSql_UsesLikeAndIlike_WithoutSqliteOperators()
    {
        var text = RunSearchSql.Build(
            [1, 2], "params.a LIKE 'x\\y%' AND tags.b ILIKE 'y%' AND metrics.m > 1", ViewType.All, ["metrics.m DESC", "params.a"], 10, 20, SqlDialect.PostgreSql);
        Assert.Contains(" LIKE @p", text.Sql, StringComparison.Ordinal);
        Assert.Contains(" ILIKE @p", text.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("GLOB", text.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("+", text.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("lifecycle_stage", text.Sql, StringComparison.Ordinal);
        Assert.Contains("x\\\\y%", text.Parameters.Select(p => p.Value));
        Assert.Contains("LIMIT @p", text.Sql, StringComparison.Ordinal);
        Assert.Contains("OFFSET @p", text.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_OrdersByMetricArmByArm_ArmsNumberTheirRowsToStayOutOfParallelAppend()
    {
        var text = RunSearchSql.Build([1], null, ViewType.ActiveOnly, ["metrics.m"], 10, 0, SqlDialect.PostgreSql);
        Assert.Contains("o0.is_nan = 0", text.Sql, StringComparison.Ordinal);
        Assert.Contains("o0.is_nan = 1", text.Sql, StringComparison.Ordinal);
        Assert.Contains("NOT EXISTS", text.Sql, StringComparison.Ordinal);
        Assert.Equal(2, text.Sql.Split("UNION ALL").Length - 1);
        Assert.Contains("SELECT run_key, 0 AS arm, row_number() OVER () AS pos", text.Sql, StringComparison.Ordinal);
        Assert.StartsWith("SELECT run_key, arm, pos FROM (", text.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_OrdersByMetricArmByArm()
    {
        var text = RunSearchSql.Build([1], null, ViewType.ActiveOnly, ["metrics.m DESC"], 10, 0, SqlDialect.Sqlite);
        Assert.Contains("o0.is_nan = 0", text.Sql, StringComparison.Ordinal);
        Assert.Contains("o0.is_nan = 1", text.Sql, StringComparison.Ordinal);
        Assert.Contains("NOT EXISTS", text.Sql, StringComparison.Ordinal);
        Assert.Equal(2, text.Sql.Split("UNION ALL").Length - 1);
    }

    [Fact]
    public void ParametersAreNamedInOrder()
    {
        var text = RunSearchSql.Build([1], "params.a = 'x' AND metrics.b > 2", ViewType.ActiveOnly, null, 10, 0, SqlDialect.Sqlite);
        Assert.Equal(text.Parameters.Select((_, i) => "@p" + i), text.Parameters.Select(p => p.Key));
        foreach (var p in text.Parameters)
        {
            Assert.Contains(p.Key, text.Sql, StringComparison.Ordinal);
        }
    }
}
