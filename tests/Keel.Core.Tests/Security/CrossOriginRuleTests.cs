using Keel.Core.Security;

namespace Keel.Core.Tests.Security;

public sealed class CrossOriginRuleTests
{
    private static readonly string[] None = [];
    private static readonly string[] App = ["https://app.example.com"];

    [Theory]
    [InlineData("POST", true)]
    [InlineData("PUT", true)]
    [InlineData("PATCH", true)]
    [InlineData("DELETE", true)]
    [InlineData("post", true)]
    [InlineData("GET", false)]
    [InlineData("HEAD", false)]
    [InlineData("OPTIONS", false)]
    [InlineData("TRACE", false)]
    public void IsUnsafe_IsEveryMethodButTheReadOnes(string method, bool unsafeMethod) =>
        Assert.Equal(unsafeMethod, CrossOriginRule.IsUnsafe(method));

    [Theory]
    [InlineData("same-origin", "http://keel:5000", "keel:5000", true)]
    [InlineData("none", null, "keel:5000", true)]
    [InlineData("cross-site", "https://evil.example", "keel:5000", false)]
    [InlineData("same-site", "https://other.keel.example", "keel:5000", false)]
    [InlineData("cross-site", "http://keel:5000", "keel:5000", false)] // Sec-Fetch-Site wins over a matching Origin.
    [InlineData(null, null, "keel:5000", true)] // Not a browser.
    [InlineData("", "", "keel:5000", true)]
    [InlineData(null, "http://keel:5000", "keel:5000", true)] // An older browser, same origin.
    [InlineData(null, "http://KEEL:5000", "keel:5000", true)]
    [InlineData(null, "http://keel", "keel:80", true)]
    [InlineData(null, "https://evil.example", "keel:5000", false)]
    [InlineData(null, "http://keel:5001", "keel:5000", false)]
    [InlineData(null, "null", "keel:5000", false)] // A sandboxed frame or a data: page.
    [InlineData(null, "http://keel:5000", null, false)]
    public void Allows_SameOriginAndNonBrowsers_RefusesCrossSite(string? site, string? origin, string? host, bool allowed) =>
        Assert.Equal(allowed, CrossOriginRule.Allows(site, origin, host, None));

    [Theory]
    [InlineData("cross-site", "https://app.example.com")]
    [InlineData("same-site", "https://app.example.com")]
    [InlineData(null, "https://app.example.com")]
    [InlineData(null, "https://app.example.com:443")]
    public void Allows_AListedOrigin_CrossSite(string? site, string origin) =>
        Assert.True(CrossOriginRule.Allows(site, origin, "keel:5000", App));

    [Theory]
    [InlineData("https://app.example.com.evil.example")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    [InlineData("https://evil-app.example.com")]
    [InlineData("null")]
    [InlineData("")]
    public void IsAllowed_OnlyTheExactOrigin(string origin) =>
        Assert.False(CrossOriginRule.IsAllowed(origin, App));

    [Theory]
    [InlineData("https://App.Example.com", "https://app.example.com")]
    [InlineData("https://app.example.com:443", "https://app.example.com")]
    [InlineData("http://localhost:3000", "http://localhost:3000")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080")]
    public void Normalize_GivesTheOriginAsBrowsersSendIt(string origin, string expected) =>
        Assert.Equal(expected, CrossOriginRule.Normalize(origin));

    [Theory]
    [InlineData("*")]
    [InlineData("https://*.example.com")]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://app.example.com?x=1")]
    [InlineData("https://user@app.example.com")]
    [InlineData("app.example.com")]
    [InlineData("ftp://app.example.com")]
    [InlineData("null")]
    [InlineData(" ")]
    public void Normalize_RefusesWhatIsNotAnOrigin(string origin) =>
        Assert.Null(CrossOriginRule.Normalize(origin));

    [Fact]
    public void CorsSettings_Validate_NormalisesOrigins_AndReportsEveryBadOne()
    {
        var good = new CorsSettings();
        good.AllowedOrigins.Add("https://App.example.com");
        Assert.Equal(["https://app.example.com"], good.Validate());
        Assert.Empty(new CorsSettings().Validate());

        var bad = new CorsSettings();
        bad.AllowedOrigins.Add("*");
        bad.AllowedOrigins.Add("https://ok.example.com");
        bad.AllowedOrigins.Add("https://x.example.com/path");
        var e = Assert.Throws<InvalidOperationException>(() => bad.Validate());
        Assert.Contains("'*'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'https://x.example.com/path'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ok.example.com", e.Message, StringComparison.Ordinal);
    }
}
