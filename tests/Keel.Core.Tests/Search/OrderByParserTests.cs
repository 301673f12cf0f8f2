using Keel.Core.Errors;
using Keel.Core.Search;

namespace Keel.Core.Tests.Search;

public class OrderByParserTests
{
    [Fact]
    public void ParseRunOrderBy_NullOrEmpty_IsEmpty()
    {
        Assert.Empty(SearchFilterParser.ParseRunOrderBy(null));
        Assert.Empty(SearchFilterParser.ParseRunOrderBy([]));
    }

    [Theory]
    [InlineData("metrics.acc", SearchEntityType.Metric, "acc", true)]
    [InlineData("metrics.acc DESC", SearchEntityType.Metric, "acc", false)]
    [InlineData("metrics.acc desc", SearchEntityType.Metric, "acc", false)]
    [InlineData("metrics.acc ASC", SearchEntityType.Metric, "acc", true)]
    [InlineData("metrics.`my acc` DESC", SearchEntityType.Metric, "my acc", false)]
    [InlineData("params.\"lr rate\" asc", SearchEntityType.Param, "lr rate", true)]
    [InlineData("tags.team", SearchEntityType.Tag, "team", true)]
    [InlineData("attributes.start_time DESC", SearchEntityType.Attribute, "start_time", false)]
    [InlineData("start_time", SearchEntityType.Attribute, "start_time", true)]
    [InlineData("created DESC", SearchEntityType.Attribute, "start_time", false)]
    [InlineData("attribute.run_name", SearchEntityType.Attribute, "run_name", true)]
    [InlineData("run_id", SearchEntityType.Attribute, "run_id", true)]
    [InlineData("attr.end_time desc", SearchEntityType.Attribute, "end_time", false)]
    public void ParseRunOrderBy_Valid(string text, SearchEntityType entity, string key, bool ascending)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunOrderBy([text]));
        Assert.Equal(new OrderByClause(entity, key, ascending), clause);
    }

    [Fact]
    public void ParseRunOrderBy_Several_KeepOrder()
    {
        var clauses = SearchFilterParser.ParseRunOrderBy(["metrics.a DESC", "params.b", "attributes.start_time ASC"]);
        Assert.Equal(
            [
                new OrderByClause(SearchEntityType.Metric, "a", false),
                new OrderByClause(SearchEntityType.Param, "b", true),
                new OrderByClause(SearchEntityType.Attribute, "start_time", true),
            ],
            clauses);
    }

    [Theory]
    [InlineData("metrics.acc DOWN", 12, "DOWN", "ASC or DESC")]
    [InlineData("metrics.acc DESC extra", 17, "extra", "unexpected")]
    [InlineData("", 0, "", "field")]
    [InlineData("datasets.name", 0, "datasets.name", "dataset")]
    [InlineData("attributes.`run name`", 0, "attributes.`run name`", "attribute key 'run name'")]
    [InlineData("attributes.color", 0, "attributes.color", "attribute key 'color'")]
    [InlineData("bogus.acc", 0, "bogus.acc", "entity type 'bogus'")]
    public void ParseRunOrderBy_Invalid_PointsAtTheBadPart(string text, int position, string bad, string reason)
    {
        var e = Assert.Throws<KeelException>(() => SearchFilterParser.ParseRunOrderBy([text]));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        var shown = bad.Length == 0 ? "end of input" : $"'{bad}'";
        Assert.Contains($"at position {position} ({shown})", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics.a", "metric.a DESC")]
    [InlineData("created", "start_time")]
    [InlineData("params.p", "param.p")]
    public void ParseRunOrderBy_SameFieldTwice_IsRefused(string first, string second)
    {
        var e = Assert.Throws<KeelException>(() => SearchFilterParser.ParseRunOrderBy([first, second]));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", "name", true)]
    [InlineData("name DESC", "name", false)]
    [InlineData("experiment_id", "experiment_id", true)]
    [InlineData("attribute.creation_time DESC", "creation_time", false)]
    [InlineData("last_update_time asc", "last_update_time", true)]
    public void ParseExperimentOrderBy_Valid(string text, string key, bool ascending)
    {
        var clause = Assert.Single(SearchFilterParser.ParseExperimentOrderBy([text]));
        Assert.Equal(new OrderByClause(SearchEntityType.Attribute, key, ascending), clause);
    }

    [Theory]
    [InlineData("tags.team", "tags.team", "tags")]
    [InlineData("start_time", "start_time", "attribute key 'start_time'")]
    [InlineData("attributes.name", "attributes.name", "entity type 'attributes'")]
    public void ParseExperimentOrderBy_Invalid(string text, string bad, string reason)
    {
        var e = Assert.Throws<KeelException>(() => SearchFilterParser.ParseExperimentOrderBy([text]));
        Assert.Contains($"at position 0 ('{bad}')", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
