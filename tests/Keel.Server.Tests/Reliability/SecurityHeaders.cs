namespace Keel.Server.Tests.Reliability;

internal static class SecurityHeaders
{
    /// <summary>Asserts the headers every Keel response carries (issue 10, item 9).</summary>
    public static void AssertPresent(HttpResponseMessage response)
    {
        var where = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} ({(int)response.StatusCode})";
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff), "No X-Content-Type-Options on " + where);
        Assert.Equal("nosniff", Assert.Single(nosniff));
        Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer), "No Referrer-Policy on " + where);
        Assert.Equal("no-referrer", Assert.Single(referrer));
        Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame), "No X-Frame-Options on " + where);
        Assert.Equal("DENY", Assert.Single(frame));
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), "No Content-Security-Policy on " + where);
        var policy = Assert.Single(csp);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }
}
