using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Storage.Sql.Search;

namespace Keel.Storage.Tests.Search;

public sealed class ExperimentSearchSqlTests : IDisposable
{
    private readonly SearchDatabase _db = new();

    public ExperimentSearchSqlTests()
    {
        _db.Execute(
            "INSERT INTO experiments VALUES " +
            "(1, 'Alpha', '/a/1', 'active', 100, 500), (2, 'beta', '/a/2', 'active', 200, 300), " +
            "(3, 'gamma', '/a/3', 'deleted', 300, 400), (4, 'Delta', '/a/4', 'active', 200, 600)");
        _db.Execute("INSERT INTO experiment_tags VALUES (1, 'team', 'core'), (2, 'team', 'Core'), (3, 'team', 'core')");
    }

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData(null, ViewType.ActiveOnly, "2 4 1")]
    [InlineData(null, ViewType.All, "3 2 4 1")]
    [InlineData(null, ViewType.DeletedOnly, "3")]
    [InlineData("name = 'beta'", ViewType.ActiveOnly, "2")]
    [InlineData("name != 'beta'", ViewType.ActiveOnly, "4 1")]
    [InlineData("name LIKE 'b%'", ViewType.ActiveOnly, "2")]
    [InlineData("name LIKE 'B%'", ViewType.ActiveOnly, "")]
    [InlineData("name ILIKE 'B%'", ViewType.ActiveOnly, "2")]
    [InlineData("attribute.name ILIKE '%A'", ViewType.ActiveOnly, "2 4 1")]
    [InlineData("creation_time > 100", ViewType.ActiveOnly, "2 4")]
    [InlineData("creation_time >= 100 AND creation_time < 200", ViewType.ActiveOnly, "1")]
    [InlineData("last_update_time <= 500", ViewType.ActiveOnly, "2 1")]
    [InlineData("last_update_time != 500", ViewType.ActiveOnly, "2 4")]
    [InlineData("tags.team = 'core'", ViewType.ActiveOnly, "1")]
    [InlineData("tags.team = 'core'", ViewType.All, "3 1")]
    [InlineData("tags.team != 'core'", ViewType.ActiveOnly, "2")]
    [InlineData("tag.team ILIKE 'CORE'", ViewType.ActiveOnly, "2 1")]
    [InlineData("tags.team LIKE 'C%'", ViewType.ActiveOnly, "2")]
    [InlineData("tags.missing = 'x'", ViewType.ActiveOnly, "")]
    public void Filter(string? filter, ViewType view, string expected) =>
        Assert.Equal(expected, Search(filter, view, null));

    [Theory]
    [InlineData("name", "1 4 2")]
    [InlineData("name DESC", "2 4 1")]
    [InlineData("experiment_id DESC", "4 2 1")]
    [InlineData("experiment_id", "1 2 4")]
    [InlineData("creation_time", "1 4 2")]
    [InlineData("creation_time DESC", "4 2 1")]
    [InlineData("last_update_time DESC", "4 1 2")]
    public void OrderBy(string orderBy, string expected) =>
        Assert.Equal(expected, Search(null, ViewType.ActiveOnly, [orderBy]));

    [Theory]
    [InlineData(0, "2 4")]
    [InlineData(2, "1")]
    [InlineData(3, "")]
    public void Paging(long offset, string expected) =>
        Assert.Equal(expected, Search(null, ViewType.ActiveOnly, null, 2, offset));

    [Fact]
    public void BadFilter_IsInvalidParameterValue()
    {
        var e = Assert.Throws<KeelException>(() => Search("metrics.a > 1", ViewType.ActiveOnly, null));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'metrics.a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_UsesNativeLikeAndIlike()
    {
        var text = ExperimentSearchSql.Build("name LIKE 'a\\b%' AND tags.t ILIKE 'x'", ViewType.ActiveOnly, ["name"], 10, 0, SqlDialect.PostgreSql);
        Assert.Contains("e.name LIKE @p", text.Sql, StringComparison.Ordinal);
        Assert.Contains("ILIKE @p", text.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("GLOB", text.Sql, StringComparison.Ordinal);
        Assert.Contains("a\\\\b%", text.Parameters.Select(p => p.Value));
    }

    private string Search(string? filter, ViewType view, IReadOnlyList<string>? orderBy, int limit = 100, long offset = 0) =>
        string.Join(' ', _db.Query(ExperimentSearchSql.Build(filter, view, orderBy, limit, offset, SqlDialect.Sqlite)));
}
