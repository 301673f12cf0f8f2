using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;

namespace Keel.Core.Tests.Json;

public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""{"a": "\ud800"}""", "'a' is not valid Unicode")]
    [InlineData("""{"a": ["ok", {"b": "x\udc00"}]}""", "'a[1].b' is not valid Unicode")]
    [InlineData("""{"a": {"\ud800": 1}}""", "'a property name' is not valid Unicode")]
    [InlineData("""["\ud83d\ud83d"]""", "'[0]' is not valid Unicode")]
    public void CheckStrings_LoneSurrogateEscape_IsInvalidParameterNamingThePath(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);
        var e = Assert.Throws<KeelException>(() => JsonText.CheckStrings(document.RootElement));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckStrings_InvalidUtf8Bytes_IsInvalidParameterNamingThePath()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"rows": [["ok", "?"]]}""");
        bytes[Array.LastIndexOf(bytes, (byte)'?')] = 0xFF;
        using var document = JsonDocument.Parse(bytes); // JsonDocument accepts it; only reading the string would throw.

        var e = Assert.Throws<KeelException>(() => JsonText.CheckStrings(document.RootElement, "body"));

        Assert.Contains("'body.rows[0][1]' is not valid Unicode", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a": "plain", "b": [1, true, null]}""")]
    [InlineData("""{"emoji": "\ud83d\ude00", "raw": "😀", "quote": "a\"\\ud800"}""")]
    [InlineData("""{"José": "山田"}""")]
    public void CheckStrings_ValidText_Passes(string json)
    {
        using var document = JsonDocument.Parse(json);
        JsonText.CheckStrings(document.RootElement);
    }

    [Theory]
    [InlineData("""["\ud800"]""", """["\ufffd"]""")]
    [InlineData("""["a\uDC00b", "\ud83d\ude00"]""", """["a\ufffdb", "\ud83d\ude00"]""")]
    [InlineData("""["\ud800\ud800\udc00"]""", """["\ufffd\ud800\udc00"]""")]
    [InlineData("""["\\ud800", "\"\ud800"]""", """["\\ud800", "\"\ufffd"]""")]
    [InlineData("""[1, "plain"]""", """[1, "plain"]""")]
    public void ReplaceLoneSurrogates_RepairsOnlyUnpairedEscapes(string json, string expected)
    {
        var repaired = JsonText.ReplaceLoneSurrogates(json);

        Assert.Equal(expected, repaired);
        using var document = JsonDocument.Parse(repaired);
        JsonText.CheckStrings(document.RootElement);
    }

    [Fact]
    public void ReplaceLoneSurrogates_RawLoneSurrogateCharacter_BecomesTheReplacementCharacter() =>
        Assert.Equal("[\"a\uFFFD\"]", JsonText.ReplaceLoneSurrogates("[\"a\ud800\"]"));

    [Fact]
    public void ReplaceLoneSurrogates_CleanText_IsReturnedAsIs()
    {
        var json = """{"a": "\u00e9"}""";
        Assert.Same(json, JsonText.ReplaceLoneSurrogates(json));
    }
}
