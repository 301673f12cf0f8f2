namespace Keel.Data.Tests;

public class MissingValuesTests
{
    [Fact]
    public void Default_is_the_empty_cell_only()
    {
        var rule = MissingValues.Default;
        Assert.True(rule.IsMissing(string.Empty));
        foreach (var word in new[] { "NA", "None", "null", "NaN", " ", "n/a" })
        {
            Assert.False(rule.IsMissing(word), word);
        }
    }

    [Fact]
    public void Pandas_preset_is_pandas_default_list()
    {
        var rule = new MissingValues(["pandas"]);
        foreach (var word in MissingValues.PandasDefaults)
        {
            Assert.True(rule.IsMissing(word), word);
        }

        Assert.False(rule.IsMissing("none"));
        Assert.False(rule.IsMissing(" NA"));
    }

    [Fact]
    public void Cli_form_splits_commas_and_falls_back_to_the_pipeline_rule()
    {
        var pipeline = new MissingValues(["?"], keepDefaultNa: false);
        Assert.Same(pipeline, MissingValues.FromOptions(null, null, pipeline));
        var cli = MissingValues.FromOptions(["NA,null", "-"], null, pipeline);
        Assert.True(cli.IsMissing("null") && cli.IsMissing("-") && !cli.IsMissing("?"));
        Assert.False(cli.IsMissing(string.Empty));
        Assert.True(MissingValues.FromOptions(null, true, pipeline).IsMissing(string.Empty));
    }
}
