using Keel.Core.Search;

namespace Keel.Core.Tests.Search;

public class RegistryOrderByParserTests
{
    [Theory]
    [InlineData("name", "name", true)]
    [InlineData("name DESC", "name", false)]
    [InlineData("`name` asc", "name", true)]
    [InlineData("timestamp", "last_updated_timestamp", true)]
    [InlineData("timestamp DESC", "last_updated_timestamp", false)]
    [InlineData("last_updated_timestamp desc", "last_updated_timestamp", false)]
    public void ParseRegisteredModelOrderBy_Valid(string text, string key, bool ascending) =>
        Assert.Equal(
            new OrderByClause(SearchEntityType.Attribute, key, ascending),
            Assert.Single(SearchFilterParser.ParseRegisteredModelOrderBy([text])));

    [Theory]
    [InlineData("name", "name", true)]
    [InlineData("attribute.name DESC", "name", false)]
    [InlineData("version_number DESC", "version_number", false)]
    [InlineData("creation_timestamp", "creation_timestamp", true)]
    [InlineData("last_updated_timestamp ASC", "last_updated_timestamp", true)]
    public void ParseModelVersionOrderBy_Valid(string text, string key, bool ascending) =>
        Assert.Equal(
            new OrderByClause(SearchEntityType.Attribute, key, ascending),
            Assert.Single(SearchFilterParser.ParseModelVersionOrderBy([text])));

    [Fact]
    public void ParseRegistryOrderBy_NullOrEmpty_IsEmpty()
    {
        Assert.Empty(SearchFilterParser.ParseRegisteredModelOrderBy(null));
        Assert.Empty(SearchFilterParser.ParseModelVersionOrderBy([]));
    }

    [Theory]
    [InlineData("creation_timestamp", 0, "creation_timestamp", "order_by key 'creation_timestamp'")]
    [InlineData("attribute.name", 0, "attribute.name", "order_by key 'attribute.name'")]
    [InlineData("tags.team", 0, "tags.team", "order_by key 'tags.team'")]
    [InlineData("name DOWN", 5, "DOWN", "ASC or DESC")]
    [InlineData("name ASC extra", 9, "extra", "unexpected")]
    [InlineData("", 0, "", "field")]
    public void ParseRegisteredModelOrderBy_Invalid_PointsAtTheBadPart(string text, int position, string bad, string reason) =>
        RegistryFilterParserTests.AssertInvalid(() => SearchFilterParser.ParseRegisteredModelOrderBy([text]), position, bad, reason);

    [Theory]
    [InlineData("timestamp", 0, "timestamp", "order_by key 'timestamp'")]
    [InlineData("run_id", 0, "run_id", "order_by key 'run_id'")]
    [InlineData("tags.k DESC", 0, "tags.k", "order_by key 'tags.k'")]
    [InlineData("metrics.a", 0, "metrics.a", "entity type 'metrics'")]
    public void ParseModelVersionOrderBy_Invalid_PointsAtTheBadPart(string text, int position, string bad, string reason) =>
        RegistryFilterParserTests.AssertInvalid(() => SearchFilterParser.ParseModelVersionOrderBy([text]), position, bad, reason);

    [Fact]
    public void ParseRegisteredModelOrderBy_TimestampAndLastUpdated_AreTheSameField()
    {
        var e = Assert.Throws<Keel.Core.Errors.KeelException>(() => SearchFilterParser.ParseRegisteredModelOrderBy(["timestamp", "last_updated_timestamp DESC"]));
        Assert.Contains("same field twice", e.Message, StringComparison.Ordinal);
    }
}
