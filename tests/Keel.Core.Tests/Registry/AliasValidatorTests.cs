using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class AliasValidatorTests
{
    [Theory]
    [InlineData("champion")]
    [InlineData("challenger-2")]
    [InlineData("blue_green")]
    [InlineData("A")]
    [InlineData("v")]
    [InlineData("v1a")]
    [InlineData("version1")]
    [InlineData("latest2")]
    [InlineData("ünïcode")]
    [InlineData("123")]
    public void Validate_MlflowAlias_IsAccepted(string alias)
    {
        Assert.Equal(alias, AliasValidator.Validate(alias));
        Assert.True(AliasValidator.IsValid(alias));
    }

    [Fact]
    public void Validate_MaxLength_IsAccepted() =>
        Assert.True(AliasValidator.IsValid(new string('a', AliasValidator.MaxLength)));

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("latest", "reserved")]
    [InlineData("LATEST", "reserved")]
    [InlineData("Latest", "reserved")]
    [InlineData("v1", "reserved")]
    [InlineData("V12", "reserved")]
    [InlineData("v007", "reserved")]
    [InlineData("has space", "alphanumerics")]
    [InlineData("dot.ted", "alphanumerics")]
    [InlineData("slash/ed", "alphanumerics")]
    [InlineData("at@sign", "alphanumerics")]
    [InlineData("new\nline", "alphanumerics")]
    [InlineData("trailing\n", "alphanumerics")]
    [InlineData("nul\0", "alphanumerics")]
    public void Validate_BadAlias_ThrowsInvalidParameterValue(string? alias, string why)
    {
        var error = Assert.Throws<KeelException>(() => AliasValidator.Validate(alias));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(AliasValidator.IsValid(alias));
    }

    [Fact]
    public void Validate_TooLong_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => AliasValidator.Validate(new string('a', AliasValidator.MaxLength + 1)));
        Assert.Contains("length limit of 255", error.Message, StringComparison.Ordinal);
    }
}
