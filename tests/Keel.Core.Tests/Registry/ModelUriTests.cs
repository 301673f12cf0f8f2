using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class ModelUriTests
{
    [Theory]
    [InlineData("models:/churn/3", "churn", 3L)]
    [InlineData("models:/my model/12", "my model", 12L)]
    [InlineData("MODELS:/churn/1", "churn", 1L)]
    [InlineData("models:/team.churn-v2_x:y@z/7", "team.churn-v2_x:y@z", 7L)]
    public void Parse_Version_GivesNameAndNumber(string uri, string name, long version)
    {
        var parsed = ModelUri.Parse(uri);
        Assert.Equal(ModelUriKind.Version, parsed.Kind);
        Assert.Equal(name, parsed.Name);
        Assert.Equal(version, parsed.Version);
        Assert.Null(parsed.Stage);
        Assert.Null(parsed.Alias);
    }

    [Theory]
    [InlineData("models:/churn@champion", "churn", "champion")]
    [InlineData("models:/my model@blue-green_2", "my model", "blue-green_2")]
    [InlineData("models:/a@b@challenger", "a@b", "challenger")]
    public void Parse_Alias_GivesNameAndAlias(string uri, string name, string alias)
    {
        var parsed = ModelUri.Parse(uri);
        Assert.Equal(ModelUriKind.Alias, parsed.Kind);
        Assert.Equal(name, parsed.Name);
        Assert.Equal(alias, parsed.Alias);
    }

    [Theory]
    [InlineData("models:/churn/Production", ModelStage.Production)]
    [InlineData("models:/churn/production", ModelStage.Production)]
    [InlineData("models:/churn/PRODUCTION", ModelStage.Production)]
    [InlineData("models:/churn/Staging", ModelStage.Staging)]
    [InlineData("models:/churn/archived", ModelStage.Archived)]
    [InlineData("models:/churn/None", ModelStage.Development)]
    [InlineData("models:/churn/none", ModelStage.Development)]
    [InlineData("models:/churn/development", ModelStage.Development)]
    public void Parse_Stage_AcceptsMlflowAndKeelNamesInAnyCase(string uri, ModelStage stage)
    {
        var parsed = ModelUri.Parse(uri);
        Assert.Equal(ModelUriKind.Stage, parsed.Kind);
        Assert.Equal("churn", parsed.Name);
        Assert.Equal(stage, parsed.Stage);
    }

    [Theory]
    [InlineData("models:/churn/latest")]
    [InlineData("models:/churn/Latest")]
    public void Parse_Latest_IsRecognised(string uri)
    {
        var parsed = ModelUri.Parse(uri);
        Assert.Equal(ModelUriKind.Latest, parsed.Kind);
        Assert.Equal("churn", parsed.Name);
    }

    [Theory]
    [InlineData("MODELS:/churn/03", "models:/churn/3")]
    [InlineData("models:/churn/production", "models:/churn/Production")]
    [InlineData("models:/churn/development", "models:/churn/None")]
    [InlineData("models:/churn/LATEST", "models:/churn/latest")]
    [InlineData("models:/churn@champion", "models:/churn@champion")]
    public void ToString_IsCanonicalAndReparses(string uri, string canonical)
    {
        var parsed = ModelUri.Parse(uri);
        Assert.Equal(canonical, parsed.ToString());
        Assert.Equal(parsed, ModelUri.Parse(parsed.ToString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("models:/")]
    [InlineData("models:/churn")]
    [InlineData("models:/churn/")]
    [InlineData("models://churn/3")]
    [InlineData("models:///churn/3")]
    [InlineData("models:/churn/3/extra")]
    [InlineData("models:/churn/3/")]
    [InlineData("models:/ /3")]
    [InlineData("models://3")]
    [InlineData("models:/churn/0")]
    [InlineData("models:/churn/-1")]
    [InlineData("models:/churn/99999999999999999999999")]
    [InlineData("models:/churn/Prod")]
    [InlineData("models:/churn/3?x=1")]
    [InlineData("models:/churn/3#frag")]
    [InlineData("models:/ch\0urn/3")]
    [InlineData("models:/churn@")]
    [InlineData("models:/@champion")]
    [InlineData("models:/churn@latest")]
    [InlineData("models:/churn@v3")]
    [InlineData("models:/churn@bad alias")]
    [InlineData("models:/churn@a.b")]
    [InlineData("runs:/0123456789abcdef0123456789abcdef/model")]
    [InlineData("churn/3")]
    public void Parse_Malformed_ThrowsInvalidParameterValue(string? uri)
    {
        var error = Assert.Throws<KeelException>(() => ModelUri.Parse(uri));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.False(ModelUri.TryParse(uri, out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public void Parse_MissingVersion_SaysWhatIsMissing()
    {
        var error = Assert.Throws<KeelException>(() => ModelUri.Parse("models:/churn"));
        Assert.Contains("Missing a version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NameTooLong_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => ModelUri.Parse("models:/" + new string('m', ModelUri.MaxNameLength + 1) + "/1"));
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
        Assert.Equal("models:/" + new string('m', ModelUri.MaxNameLength) + "/1", ModelUri.Parse("models:/" + new string('m', ModelUri.MaxNameLength) + "/1").ToString());
    }

    [Theory]
    [InlineData("models:/x/1", true)]
    [InlineData("Models:x", true)]
    [InlineData("runs:/x", false)]
    [InlineData(null, false)]
    public void IsModelUri_ChecksTheScheme(string? uri, bool expected) =>
        Assert.Equal(expected, ModelUri.IsModelUri(uri));
}
