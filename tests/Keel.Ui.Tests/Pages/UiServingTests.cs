using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Keel.Server.Ui;
using Keel.Ui.Tests.Infrastructure;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed partial class UiServingTests(BrowserFixture fixture)
{
    [Fact]
    public async Task EveryFileThePageReferences_IsServedByKeel_FromThisOrigin()
    {
        var html = await fixture.Server.Http.GetStringAsync("/");
        var references = Reference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("/ui/vendor/uplot/uPlot.iife.min.js", references);
        Assert.DoesNotContain(references, r => r.StartsWith("http", StringComparison.Ordinal) || r.StartsWith("//", StringComparison.Ordinal));
        foreach (var reference in references)
        {
            using var response = await fixture.Server.Http.GetAsync(reference);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{reference}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task AnUnchangedFile_IsAnswered304_ToItsETag()
    {
        using var first = await fixture.Server.Http.GetAsync("/ui/js/app.js");
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/js/app.js");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var again = await fixture.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public void NoUiModule_ParsesStringsAsHtml()
    {
        // Escaping by construction (docs/adr/0003-web-ui-stack.md): elements are built with h(), text goes in as text nodes.
        var scripts = UiAssets.Load().Files.Where(f => f.Key.StartsWith("js/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scripts);
        foreach (var (path, asset) in scripts)
        {
            var text = System.Text.Encoding.UTF8.GetString(asset.Bytes);
            foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "createContextualFragment" })
            {
                Assert.False(text.Contains(sink, StringComparison.Ordinal), $"{path} uses {sink}");
            }
        }
    }

    [GeneratedRegex("(?:src|href)=\"(/[^\"#]*)\"")]
    private static partial Regex Reference();
}
