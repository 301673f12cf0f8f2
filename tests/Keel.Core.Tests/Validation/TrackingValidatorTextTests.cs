using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Tests.Validation;

public sealed class TrackingValidatorTextTests
{
    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\r\nb")]
    [InlineData("a\nb")]
    [InlineData("x<D800>")]
    public void ValidateExperimentName_ControlCharactersOrLoneSurrogate_AreRefused(string name)
    {
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateExperimentName(TextValidatorTests.Units(name)));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'name'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateExperimentName_OrdinaryNames_Pass() =>
        Assert.Equal("Équipe / churn: v2", TrackingValidator.ValidateExperimentName("Équipe / churn: v2"));

    [Fact]
    public void ValidateArtifactLocation_OverMlflowsDefaultLimit_NamesTheSetting()
    {
        Assert.Equal(new string('a', 2048), TrackingValidator.ValidateArtifactLocation(new string('a', 2048)));
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateArtifactLocation(new string('a', 2049)));
        Assert.Contains("Keel:Limits:MaxArtifactLocationLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateUserId_OverTheLimit_NamesTheSetting() =>
        Assert.Contains("Keel:Limits:MaxUserIdLength", Assert.Throws<KeelException>(() => TrackingValidator.ValidateUserId(new string('u', 257))).Message, StringComparison.Ordinal);
}
