using Keel.Core.Errors;
using Keel.ML.Pipeline;

namespace Keel.ML.Tests.Pipeline;

/// <summary>The pipeline file's <c>data.na_values</c> and <c>data.keep_default_na</c> (docs/data-formats.md).</summary>
public class PipelineMissingValuesTests
{
    private static PipelineDefinition Parse(string data) =>
        PipelineParser.Parse($"name: a\ndata: {{path: x.csv, target: y, task: regression{data}}}\ntrainer: {{name: Sdca}}\n");

    [Fact]
    public void Default_is_the_empty_cell_only()
    {
        var missing = Parse(string.Empty).Data.Missing;
        Assert.True(missing.IsMissing(string.Empty));
        Assert.False(missing.IsMissing("None"));
        Assert.False(missing.IsMissing("NA"));
    }

    [Fact]
    public void Na_values_list_one_word_and_the_pandas_preset_are_read()
    {
        var list = Parse(", na_values: [NA, \"null\", '']").Data.Missing;
        Assert.True(list.IsMissing("NA") && list.IsMissing("null") && list.IsMissing(string.Empty));
        Assert.False(list.IsMissing("None"));
        Assert.True(Parse(", na_values: '?'").Data.Missing.IsMissing("?"));
        Assert.True(Parse(", na_values: [pandas]").Data.Missing.IsMissing("None"));
    }

    [Fact]
    public void Keep_default_na_false_makes_the_empty_cell_a_value()
    {
        var missing = Parse(", na_values: [NA], keep_default_na: false").Data.Missing;
        Assert.False(missing.IsMissing(string.Empty));
        Assert.True(missing.IsMissing("NA"));
    }

    [Fact]
    public void Bad_na_values_and_keep_default_na_are_reported()
    {
        var error = Assert.Throws<KeelException>(() => Parse(", na_values: {a: b}, keep_default_na: maybe"));
        Assert.Contains("data.na_values", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.keep_default_na", error.Message, StringComparison.Ordinal);
    }
}
