using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class ModelStagesTests
{
    [Theory]
    [InlineData(ModelStage.Development, "None", "development")]
    [InlineData(ModelStage.Staging, "Staging", "staging")]
    [InlineData(ModelStage.Production, "Production", "production")]
    [InlineData(ModelStage.Archived, "Archived", "archived")]
    public void Names_MapBothWays(ModelStage stage, string wire, string keel)
    {
        Assert.Equal(wire, ModelStages.ToWireName(stage));
        Assert.Equal(keel, ModelStages.ToKeelName(stage));
        Assert.Equal(stage, ModelStages.Parse(wire));
        Assert.Equal(stage, ModelStages.Parse(keel));
        Assert.Equal(stage, ModelStages.Parse(wire.ToUpperInvariant()));
        Assert.Equal(stage, ModelStages.Parse(keel.ToUpperInvariant()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("prod")]
    [InlineData(" Production")]
    [InlineData("Production ")]
    [InlineData("0")]
    [InlineData("Dev")]
    public void Parse_Unknown_ThrowsInvalidParameterValue(string? text)
    {
        var error = Assert.Throws<KeelException>(() => ModelStages.Parse(text));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("None, Staging, Production, Archived", error.Message, StringComparison.Ordinal);
        Assert.False(ModelStages.TryParse(text, out _));
    }

    [Fact]
    public void Parse_NumericEnumValues_AreNotStages() =>
        Assert.False(ModelStages.TryParse("2", out _));
}
