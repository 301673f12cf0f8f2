using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Tests.Validation;

public sealed class TextValidatorTests
{
    [Theory]
    [InlineData("plain", -1)]
    [InlineData("", -1)]
    [InlineData("emoji <D83D><DE00> pair", -1)]
    [InlineData("<D800>", 0)]
    [InlineData("a<DC00>", 1)]
    [InlineData("ab<D800>c", 2)]
    [InlineData("<D83D><DE00><D83D>", 2)]
    [InlineData("<DC00><D800>", 0)]
    public void IndexOfLoneSurrogate_FindsTheFirstUnpairedSurrogate(string text, int expected) =>
        Assert.Equal(expected, TextValidator.IndexOfLoneSurrogate(Units(text)));

    // Theory data cannot carry lone surrogates (it is serialized as UTF-8): <D800> stands for the UTF-16 unit.
    internal static string Units(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "<([0-9A-F]{4})>", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    [Fact]
    public void Unicode_LoneSurrogate_IsInvalidParameterNamingTheField()
    {
        var e = Assert.Throws<KeelException>(() => TextValidator.Unicode("x\ud800", "labels[0]"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'labels[0]' is not valid Unicode", e.Message, StringComparison.Ordinal);
        Assert.Contains("U+D800 at character 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_OverTheLimit_NamesTheFieldTheLimitAndTheSetting()
    {
        Assert.Equal("abc", TextValidator.Text("abc", "description", 3, "Keel:Limits:MaxDescriptionLength"));
        Assert.Null(TextValidator.Text(null, "description", 3));

        var e = Assert.Throws<KeelException>(() => TextValidator.Text("abcd", "description", 3, "Keel:Limits:MaxDescriptionLength"));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Equal("'description' had length 4, which exceeded length limit of 3 (setting Keel:Limits:MaxDescriptionLength).", e.Message);
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\tb")]
    [InlineData("a\u0085b")]
    public void SingleLine_ControlCharacter_IsRefused(string value)
    {
        var e = Assert.Throws<KeelException>(() => TextValidator.SingleLine(value, "user_id", 100));
        Assert.Contains("'user_id' must not contain control characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleLine_OrdinaryText_Passes() =>
        Assert.Equal("José 山田 \ud83d\ude00", TextValidator.SingleLine("José 山田 \ud83d\ude00", "user_id", 100));
}
