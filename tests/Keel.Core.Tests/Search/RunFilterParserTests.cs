using Keel.Core.Search;

namespace Keel.Core.Tests.Search;

public class RunFilterParserTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ParseRunFilter_NullOrBlank_IsEmpty(string? filter) =>
        Assert.Empty(SearchFilterParser.ParseRunFilter(filter).Clauses);

    [Theory]
    [InlineData("metrics.acc > 0.9", SearchEntityType.Metric, "acc", SearchComparator.GreaterThan)]
    [InlineData("metric.acc >= 0.9", SearchEntityType.Metric, "acc", SearchComparator.GreaterThanOrEqual)]
    [InlineData("metrics.loss < 1", SearchEntityType.Metric, "loss", SearchComparator.LessThan)]
    [InlineData("metrics.loss <= 1", SearchEntityType.Metric, "loss", SearchComparator.LessThanOrEqual)]
    [InlineData("metrics.loss = 1", SearchEntityType.Metric, "loss", SearchComparator.Equal)]
    [InlineData("metrics.loss != 1", SearchEntityType.Metric, "loss", SearchComparator.NotEqual)]
    [InlineData("params.lr = '0.1'", SearchEntityType.Param, "lr", SearchComparator.Equal)]
    [InlineData("param.lr != '0.1'", SearchEntityType.Param, "lr", SearchComparator.NotEqual)]
    [InlineData("parameter.lr LIKE '0.%'", SearchEntityType.Param, "lr", SearchComparator.Like)]
    [InlineData("parameters.lr ilike '0.%'", SearchEntityType.Param, "lr", SearchComparator.ILike)]
    [InlineData("tags.team = 'core'", SearchEntityType.Tag, "team", SearchComparator.Equal)]
    [InlineData("tag.team Like 'co%'", SearchEntityType.Tag, "team", SearchComparator.Like)]
    [InlineData("attributes.status = 'FINISHED'", SearchEntityType.Attribute, "status", SearchComparator.Equal)]
    [InlineData("attribute.user_id != 'bob'", SearchEntityType.Attribute, "user_id", SearchComparator.NotEqual)]
    [InlineData("attr.artifact_uri LIKE 's3://%'", SearchEntityType.Attribute, "artifact_uri", SearchComparator.Like)]
    [InlineData("run.run_name ILIKE 'exp%'", SearchEntityType.Attribute, "run_name", SearchComparator.ILike)]
    [InlineData("status = 'RUNNING'", SearchEntityType.Attribute, "status", SearchComparator.Equal)]
    [InlineData("attributes.start_time > 1700000000000", SearchEntityType.Attribute, "start_time", SearchComparator.GreaterThan)]
    [InlineData("attributes.end_time <= 5", SearchEntityType.Attribute, "end_time", SearchComparator.LessThanOrEqual)]
    [InlineData("attributes.created >= 10", SearchEntityType.Attribute, "start_time", SearchComparator.GreaterThanOrEqual)]
    [InlineData("Created < 10", SearchEntityType.Attribute, "start_time", SearchComparator.LessThan)]
    [InlineData("attributes.`Run name` = 'a'", SearchEntityType.Attribute, "run_name", SearchComparator.Equal)]
    [InlineData("`run name` = 'a'", SearchEntityType.Attribute, "run_name", SearchComparator.Equal)]
    [InlineData("\"Run Name\" = 'a'", SearchEntityType.Attribute, "run_name", SearchComparator.Equal)]
    [InlineData("datasets.name = 'train'", SearchEntityType.Dataset, "name", SearchComparator.Equal)]
    [InlineData("dataset.digest LIKE 'ab%'", SearchEntityType.Dataset, "digest", SearchComparator.Like)]
    [InlineData("datasets.context ILIKE 'TRAIN%'", SearchEntityType.Dataset, "context", SearchComparator.ILike)]
    public void ParseRunFilter_SingleClause_ResolvesEntityKeyAndComparator(
        string filter, SearchEntityType entity, string key, SearchComparator comparator)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter).Clauses);
        Assert.Equal(entity, clause.EntityType);
        Assert.Equal(key, clause.Key);
        Assert.Equal(comparator, clause.Comparator);
    }

    [Theory]
    [InlineData("metrics.`my metric` > 1", "my metric")]
    [InlineData("metrics.\"my metric\" > 1", "my metric")]
    [InlineData("metrics.'my metric' > 1", "my metric")]
    [InlineData("metrics.train/loss > 1", "train/loss")]
    [InlineData("metrics.a.b.c > 1", "a.b.c")]
    [InlineData("metrics.a-b > 1", "a-b")]
    [InlineData("`metrics`.acc > 1", "acc")]
    [InlineData("tags.`mlflow.runName` = 'x'", "mlflow.runName")]
    public void ParseRunFilter_QuotedBacktickedAndPunctuatedKeys_AreReadWhole(string filter, string key)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter).Clauses);
        Assert.Equal(key, clause.Key);
    }

    [Theory]
    [InlineData("params.a = 'x'", "x")]
    [InlineData("params.a = \"x\"", "x")]
    [InlineData("params.a = 'it''s'", "it's")]
    [InlineData("params.a = 'it\\'s'", "it's")]
    [InlineData("params.a = \"say \"\"hi\"\"\"", "say \"hi\"")]
    [InlineData("params.a = ''", "")]
    [InlineData("params.a = 'a b  c'", "a b  c")]
    [InlineData("params.a = 'C:\\dir'", "C:\\dir")]
    [InlineData("params.a = 'AND'", "AND")]
    public void ParseRunFilter_StringValues_AreUnquoted(string filter, string expected)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter).Clauses);
        Assert.Equal(expected, Assert.IsType<StringSearchValue>(clause.Value).Value);
    }

    [Theory]
    [InlineData("metrics.a > 1", 1.0)]
    [InlineData("metrics.a > -1", -1.0)]
    [InlineData("metrics.a > 0.25", 0.25)]
    [InlineData("metrics.a > .5", 0.5)]
    [InlineData("metrics.a > 1.", 1.0)]
    [InlineData("metrics.a > 1e3", 1000.0)]
    [InlineData("metrics.a > 2.5E-2", 0.025)]
    [InlineData("metrics.a>-3", -3.0)]
    public void ParseRunFilter_Numbers_Parse(string filter, double expected)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter).Clauses);
        Assert.Equal(expected, Assert.IsType<NumberSearchValue>(clause.Value).Value);
    }

    [Fact]
    public void ParseRunFilter_IntegerLiteral_KeepsExactInt64()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("attributes.start_time = 1700000000000123").Clauses);
        Assert.Equal(1700000000000123L, Assert.IsType<NumberSearchValue>(clause.Value).AsInt64);
    }

    [Theory]
    [InlineData("metrics.a > 1 AND params.b = 'x'")]
    [InlineData("metrics.a > 1 and params.b = 'x'")]
    [InlineData("metrics.a > 1 And params.b = 'x'")]
    [InlineData("metrics.a>1 AND params.b='x'")]
    [InlineData("  metrics.a > 1\n\tAND   params.b = 'x'  ")]
    public void ParseRunFilter_AndIsCaseInsensitive(string filter)
    {
        var clauses = SearchFilterParser.ParseRunFilter(filter).Clauses;
        Assert.Equal(2, clauses.Count);
        Assert.Equal(SearchEntityType.Metric, clauses[0].EntityType);
        Assert.Equal(SearchEntityType.Param, clauses[1].EntityType);
    }

    [Fact]
    public void ParseRunFilter_ThreeClauses_KeepOrder()
    {
        var clauses = SearchFilterParser.ParseRunFilter("metrics.a > 1 AND tags.t = 'x' AND datasets.name = 'd'").Clauses;
        Assert.Equal([SearchEntityType.Metric, SearchEntityType.Tag, SearchEntityType.Dataset], clauses.Select(c => c.EntityType));
    }

    [Theory]
    [InlineData("attributes.run_id IN ('a1', 'b2')", SearchComparator.In)]
    [InlineData("attributes.run_id in ('a1','b2')", SearchComparator.In)]
    [InlineData("run_id NOT IN ('a1', 'b2')", SearchComparator.NotIn)]
    [InlineData("datasets.name IN ('a1', \"b2\")", SearchComparator.In)]
    [InlineData("datasets.digest not in ('a1', 'b2')", SearchComparator.NotIn)]
    public void ParseRunFilter_InLists_ParseAllValues(string filter, SearchComparator comparator)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter).Clauses);
        Assert.Equal(comparator, clause.Comparator);
        Assert.Equal(["a1", "b2"], Assert.IsType<ListSearchValue>(clause.Value).Values);
    }

    [Fact]
    public void ParseRunFilter_SingleItemList_Parses()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("datasets.context IN ('training')").Clauses);
        Assert.Equal(["training"], Assert.IsType<ListSearchValue>(clause.Value).Values);
    }
}
