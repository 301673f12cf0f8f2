using Keel.Core.Errors;
using Keel.Core.Search;

namespace Keel.Core.Tests.Search;

public class RunFilterParserErrorTests
{
    // Each case: the filter, the zero-based position of the bad part, the bad text, a word of the reason.
    [Theory]
    [InlineData("metrics.a > 1 OR metrics.b > 1", 14, "OR", "AND")]
    [InlineData("metrics.a > 1 metrics.b > 1", 14, "metrics.b", "AND")]
    [InlineData("metrics.a > 1 AND", 17, "", "identifier")]
    [InlineData("AND metrics.a > 1", 0, "AND", "identifier")]
    [InlineData("foo.a = 'x'", 0, "foo.a", "entity type 'foo'")]
    [InlineData("Metrics.a > 1", 0, "Metrics.a", "entity type 'Metrics'")]
    [InlineData("attributes.color = 'red'", 0, "attributes.color", "attribute key 'color'")]
    [InlineData("colour = 'red'", 0, "colour", "attribute key 'colour'")]
    [InlineData("datasets.size = 'x'", 0, "datasets.size", "dataset key 'size'")]
    [InlineData("metrics.a LIKE '1%'", 10, "LIKE", "comparator 'LIKE'")]
    [InlineData("metrics.a IN ('1')", 10, "IN", "comparator 'IN'")]
    [InlineData("params.a > 'x'", 9, ">", "comparator '>'")]
    [InlineData("tags.a <= 'x'", 7, "<=", "comparator '<='")]
    [InlineData("params.a IN ('x')", 9, "IN", "comparator 'IN'")]
    [InlineData("attributes.status > 'x'", 18, ">", "comparator '>'")]
    [InlineData("attributes.start_time LIKE '1%'", 22, "LIKE", "comparator 'LIKE'")]
    [InlineData("metrics.a == 1", 10, "==", "'=='")]
    [InlineData("metrics.a <> 1", 10, "<>", "'<>'")]
    [InlineData("metrics.a ! 1", 10, "!", "'!='")]
    [InlineData("metrics.a > 'x'", 12, "'x'", "numeric")]
    [InlineData("metrics.a > abc", 12, "abc", "numeric")]
    [InlineData("attributes.start_time > '5'", 24, "'5'", "numeric")]
    [InlineData("params.a = 1", 11, "1", "quoted string")]
    [InlineData("params.a = value", 11, "value", "quoted string")]
    [InlineData("tags.a = 'x", 9, "'x", "unterminated")]
    [InlineData("metrics.`a > 1", 8, "`a > 1", "unterminated")]
    [InlineData("attributes.status IN ('x')", 21, "(", "run_id")]
    [InlineData("run_id IN ()", 11, ")", "non-empty")]
    [InlineData("run_id IN ('a', 1)", 16, "1", "quoted string")]
    [InlineData("run_id IN ('a' 'b')", 15, "'b'", "','")]
    [InlineData("run_id IN 'a'", 10, "'a'", "parenthesised")]
    [InlineData("run_id = ('a')", 9, "(", "IN or NOT IN")]
    [InlineData("tags.a IS NULL", 7, "IS", "IS NULL")]
    [InlineData("tags.a NOT LIKE 'x'", 11, "LIKE", "NOT IN")]
    [InlineData("metrics.a > 1 # x", 14, "#", "unexpected character")]
    [InlineData("metrics. > 1", 0, "metrics.", "key")]
    [InlineData("metrics.a > 1abc", 12, "1abc", "malformed number")]
    [InlineData("metrics.a 1", 10, "1", "comparator")]
    [InlineData("'status' = 'x'", 0, "'status'", "identifier")]
    [InlineData("(metrics.a > 1)", 0, "(", "identifier")]
    [InlineData("metrics.a > 1 AND AND metrics.b > 1", 18, "AND", "identifier")]
    public void ParseRunFilter_Invalid_PointsAtTheBadPart(string filter, int position, string bad, string reason)
    {
        var e = Assert.Throws<KeelException>(() => SearchFilterParser.ParseRunFilter(filter));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        var shown = bad.Length == 0 ? "end of input" : $"'{bad}'";
        Assert.Contains($"at position {position} ({shown})", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains(filter, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRunFilter_VeryLongFilter_IsTruncatedInTheMessage()
    {
        var filter = "metrics.a > 1 OR " + new string('x', 500);
        var e = Assert.Throws<KeelException>(() => SearchFilterParser.ParseRunFilter(filter));
        Assert.True(e.Message.Length < 700, e.Message);
    }
}
