using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Tests.Validation;

public sealed class InputLimitsTests
{
    [Fact]
    public void Defaults_AreMlflowsWhereMlflowHasALimit()
    {
        var limits = InputLimits.Default;
        Assert.Equal(5000, limits.MaxDescriptionLength);
        Assert.Equal(500, limits.MaxRunLinkLength);
        Assert.Equal(256, limits.MaxUserIdLength);
        Assert.Equal(2048, limits.MaxArtifactLocationLength);
        Assert.Equal(5000, limits.MaxCommentLength);
        Assert.Equal(4096, limits.MaxFeedbackLabelLength);
        Assert.Equal(1000, limits.MaxTagsPerEntity);
        limits.Validate();
    }

    [Fact]
    public void Validate_NonPositiveLimits_NamesEverySetting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new InputLimits { MaxTagsPerEntity = 0, MaxRunLinkLength = -1 }.Validate());
        Assert.Contains("Keel:Limits:MaxTagsPerEntity must be positive, got 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("Keel:Limits:MaxRunLinkLength must be positive, got -1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckTagCount_AboveTheLimit_IsInvalidParameterNamingTheSetting()
    {
        var limits = new InputLimits { MaxTagsPerEntity = 2 };
        limits.CheckTagCount(2, "run 'r'");

        var e = Assert.Throws<KeelException>(() => limits.CheckTagCount(3, "run 'r'"));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("Too many tags on run 'r': 3, the limit is 2 (setting Keel:Limits:MaxTagsPerEntity)", e.Message, StringComparison.Ordinal);
    }
}
