using Keel.Core.Errors;
using Keel.Core.Search;

namespace Keel.Core.Tests.Search;

public class ExperimentFilterParserTests
{
    [Theory]
    [InlineData("name = 'exp'", SearchEntityType.Attribute, "name", SearchComparator.Equal)]
    [InlineData("attribute.name != 'exp'", SearchEntityType.Attribute, "name", SearchComparator.NotEqual)]
    [InlineData("name LIKE 'exp%'", SearchEntityType.Attribute, "name", SearchComparator.Like)]
    [InlineData("name ILIKE 'EXP%'", SearchEntityType.Attribute, "name", SearchComparator.ILike)]
    [InlineData("creation_time > 5", SearchEntityType.Attribute, "creation_time", SearchComparator.GreaterThan)]
    [InlineData("attribute.last_update_time <= 5", SearchEntityType.Attribute, "last_update_time", SearchComparator.LessThanOrEqual)]
    [InlineData("tags.team = 'core'", SearchEntityType.Tag, "team", SearchComparator.Equal)]
    [InlineData("tag.`owner name` LIKE 'a%'", SearchEntityType.Tag, "owner name", SearchComparator.Like)]
    public void ParseExperimentFilter_Valid(string filter, SearchEntityType entity, string key, SearchComparator comparator)
    {
        var clause = Assert.Single(SearchFilterParser.ParseExperimentFilter(filter).Clauses);
        Assert.Equal(entity, clause.EntityType);
        Assert.Equal(key, clause.Key);
        Assert.Equal(comparator, clause.Comparator);
    }

    [Theory]
    [InlineData("metrics.a > 1", 0, "metrics.a", "entity type 'metrics'")]
    [InlineData("attributes.name = 'x'", 0, "attributes.name", "entity type 'attributes'")]
    [InlineData("experiment_id = '1'", 0, "experiment_id", "attribute key 'experiment_id'")]
    [InlineData("name > 'x'", 5, ">", "comparator '>'")]
    [InlineData("name IN ('x')", 5, "IN", "comparator 'IN'")]
    [InlineData("creation_time LIKE '1%'", 14, "LIKE", "comparator 'LIKE'")]
    [InlineData("creation_time > 'x'", 16, "'x'", "numeric")]
    [InlineData("tags.a > 'x'", 7, ">", "comparator '>'")]
    [InlineData("name = 'x' OR name = 'y'", 11, "OR", "AND")]
    public void ParseExperimentFilter_Invalid_PointsAtTheBadPart(string filter, int position, string bad, string reason)
    {
        var e = Assert.Throws<KeelException>(() => SearchFilterParser.ParseExperimentFilter(filter));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains($"at position {position} ('{bad}')", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
