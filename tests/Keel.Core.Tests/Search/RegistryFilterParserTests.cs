using Keel.Core.Errors;
using Keel.Core.Search;

namespace Keel.Core.Tests.Search;

public class RegistryFilterParserTests
{
    [Theory]
    [InlineData("name = 'm'", SearchEntityType.Attribute, "name", SearchComparator.Equal)]
    [InlineData("attribute.name != 'm'", SearchEntityType.Attribute, "name", SearchComparator.NotEqual)]
    [InlineData("name LIKE '%fraud%'", SearchEntityType.Attribute, "name", SearchComparator.Like)]
    [InlineData("name ilike 'FRAUD%'", SearchEntityType.Attribute, "name", SearchComparator.ILike)]
    [InlineData("\"name\" = 'm'", SearchEntityType.Attribute, "name", SearchComparator.Equal)]
    [InlineData("tags.team = 'risk'", SearchEntityType.Tag, "team", SearchComparator.Equal)]
    [InlineData("tag.`owner name` LIKE 'a%'", SearchEntityType.Tag, "owner name", SearchComparator.Like)]
    [InlineData("tags.\"mlflow.note\" ILIKE '%x%'", SearchEntityType.Tag, "mlflow.note", SearchComparator.ILike)]
    public void ParseRegisteredModelFilter_Valid(string filter, SearchEntityType entity, string key, SearchComparator comparator)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRegisteredModelFilter(filter).Clauses);
        Assert.Equal(new SearchClause(entity, key, comparator, clause.Value), clause);
        Assert.IsType<StringSearchValue>(clause.Value);
    }

    [Fact]
    public void ParseRegisteredModelFilter_ClausesJoinedByAnd_KeepOrderAndValues()
    {
        var filter = SearchFilterParser.ParseRegisteredModelFilter("name LIKE 'fraud-%' and tags.team = 'it''s'");
        Assert.Equal(
            [
                new SearchClause(SearchEntityType.Attribute, "name", SearchComparator.Like, new StringSearchValue("fraud-%")),
                new SearchClause(SearchEntityType.Tag, "team", SearchComparator.Equal, new StringSearchValue("it's")),
            ],
            filter.Clauses);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ParseRegistryFilters_Blank_IsEmpty(string? filter)
    {
        Assert.Empty(SearchFilterParser.ParseRegisteredModelFilter(filter).Clauses);
        Assert.Empty(SearchFilterParser.ParseModelVersionFilter(filter).Clauses);
    }

    [Theory]
    [InlineData("run_id = 'a1'", "run_id", SearchComparator.Equal)]
    [InlineData("run_id != 'a1'", "run_id", SearchComparator.NotEqual)]
    [InlineData("run_id LIKE 'a%'", "run_id", SearchComparator.Like)]
    [InlineData("source_path = 'mlflow-artifacts:/m/1'", "source_path", SearchComparator.Equal)]
    [InlineData("attribute.source_path ILIKE '%/M/%'", "source_path", SearchComparator.ILike)]
    [InlineData("name = 'm'", "name", SearchComparator.Equal)]
    [InlineData("version_number = 3", "version_number", SearchComparator.Equal)]
    [InlineData("version_number != 3", "version_number", SearchComparator.NotEqual)]
    [InlineData("version_number < 3", "version_number", SearchComparator.LessThan)]
    [InlineData("version_number <= 3", "version_number", SearchComparator.LessThanOrEqual)]
    [InlineData("attribute.version_number > 3", "version_number", SearchComparator.GreaterThan)]
    [InlineData("version_number >= 3", "version_number", SearchComparator.GreaterThanOrEqual)]
    public void ParseModelVersionFilter_Attributes(string filter, string key, SearchComparator comparator)
    {
        var clause = Assert.Single(SearchFilterParser.ParseModelVersionFilter(filter).Clauses);
        Assert.Equal(SearchEntityType.Attribute, clause.EntityType);
        Assert.Equal(key, clause.Key);
        Assert.Equal(comparator, clause.Comparator);
    }

    [Fact]
    public void ParseModelVersionFilter_VersionNumber_IsNumeric()
    {
        var clause = Assert.Single(SearchFilterParser.ParseModelVersionFilter("version_number >= 12").Clauses);
        var number = Assert.IsType<NumberSearchValue>(clause.Value);
        Assert.Equal(12L, number.AsInt64);
    }

    [Fact]
    public void ParseModelVersionFilter_RunIdIn_IsAList()
    {
        var clause = Assert.Single(SearchFilterParser.ParseModelVersionFilter("run_id IN ('a', \"b\")").Clauses);
        Assert.Equal(SearchComparator.In, clause.Comparator);
        Assert.Equal(["a", "b"], Assert.IsType<ListSearchValue>(clause.Value).Values);
    }

    [Fact]
    public void ParseModelVersionFilter_NameAndTag()
    {
        var filter = SearchFilterParser.ParseModelVersionFilter("name='m' AND tags.k='v'");
        Assert.Equal(
            [
                new SearchClause(SearchEntityType.Attribute, "name", SearchComparator.Equal, new StringSearchValue("m")),
                new SearchClause(SearchEntityType.Tag, "k", SearchComparator.Equal, new StringSearchValue("v")),
            ],
            filter.Clauses);
    }

    // Each case: the filter, the zero-based position of the bad part, the bad text, a word of the reason.
    [Theory]
    [InlineData("run_id = 'a'", 0, "run_id", "attribute key 'run_id'")]
    [InlineData("creation_timestamp > 1", 0, "creation_timestamp", "attribute key 'creation_timestamp'")]
    [InlineData("description = 'x'", 0, "description", "attribute key 'description'")]
    [InlineData("attributes.name = 'x'", 0, "attributes.name", "entity type 'attributes'")]
    [InlineData("params.a = 'x'", 0, "params.a", "entity type 'params'")]
    [InlineData("name > 'x'", 5, ">", "comparator '>'")]
    [InlineData("name IN ('x')", 5, "IN", "comparator 'IN'")]
    [InlineData("tags.a >= 'x'", 7, ">=", "comparator '>='")]
    [InlineData("name = 1", 7, "1", "quoted string")]
    [InlineData("name = 'x' OR name = 'y'", 11, "OR", "AND")]
    [InlineData("name = 'x' name = 'y'", 11, "name", "AND")]
    [InlineData("name LIKE 'x", 10, "'x", "unterminated")]
    public void ParseRegisteredModelFilter_Invalid_PointsAtTheBadPart(string filter, int position, string bad, string reason) =>
        AssertInvalid(() => SearchFilterParser.ParseRegisteredModelFilter(filter), position, bad, reason);

    [Theory]
    [InlineData("user_id = 'alice'", 0, "user_id", "attribute key 'user_id'")]
    [InlineData("version = 1", 0, "version", "attribute key 'version'")]
    [InlineData("last_updated_timestamp > 1", 0, "last_updated_timestamp", "attribute key")]
    [InlineData("metrics.a > 1", 0, "metrics.a", "entity type 'metrics'")]
    [InlineData("version_number LIKE '1%'", 15, "LIKE", "comparator 'LIKE'")]
    [InlineData("version_number = '3'", 17, "'3'", "numeric")]
    [InlineData("version_number = 3x", 17, "3x", "malformed number")]
    [InlineData("run_id NOT IN ('a')", 7, "NOT", "comparator 'NOT IN'")]
    [InlineData("name IN ('a')", 5, "IN", "comparator 'IN'")]
    [InlineData("source_path IN ('a')", 12, "IN", "comparator 'IN'")]
    [InlineData("source_path < 'a'", 12, "<", "comparator '<'")]
    [InlineData("run_id IN ()", 11, ")", "non-empty")]
    [InlineData("run_id IN 'a'", 10, "'a'", "parenthesised")]
    [InlineData("tags.k IN ('a')", 7, "IN", "comparator 'IN'")]
    [InlineData("tags.k = 1", 9, "1", "quoted string")]
    [InlineData("name = ('a')", 7, "(", "list")]
    [InlineData("name = 'm' AND", 14, "", "identifier")]
    [InlineData("name IS NULL", 5, "IS", "IS NULL")]
    public void ParseModelVersionFilter_Invalid_PointsAtTheBadPart(string filter, int position, string bad, string reason) =>
        AssertInvalid(() => SearchFilterParser.ParseModelVersionFilter(filter), position, bad, reason);

    internal static void AssertInvalid(Action parse, int position, string bad, string reason)
    {
        var e = Assert.Throws<KeelException>(parse);
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        var shown = bad.Length == 0 ? "end of input" : $"'{bad}'";
        Assert.Contains($"at position {position} ({shown})", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
