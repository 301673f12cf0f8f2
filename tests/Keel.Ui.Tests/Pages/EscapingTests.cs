using System.Text;
using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

/// <summary>
/// User strings are shown as text, never run or parsed as markup: hostile experiment names, run
/// names, tags and params, artifact file names, and HTML and SVG artifacts with script in them.
/// Each payload, if it ran, would open a dialog or set window.pwned; neither may happen.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EscapingTests(BrowserFixture fixture)
{
    private const string Script = "<script>window.pwned=1;alert('x')</script>";
    private const string Img = "<img src=x onerror=\"window.pwned=1;alert('y')\">";
    private const string Svg = "<svg onload=\"window.pwned=1\"></svg>";
    private const string SandboxBlocked = "console: Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed";

    private static async Task AssertNothingRanAsync(UiPage ui, params string[] expected)
    {
        Assert.Null(await ui.Page.EvaluateAsync<int?>("() => window.pwned ?? null"));
        Assert.Equal(0, await ui.Page.Locator("main img[src='x'], main script, main svg[onload]").CountAsync());
        ui.AssertNoProblems(expected);
    }

    [Fact]
    public async Task HostileExperimentName_RunName_TagsAndParams_AreShownAsText()
    {
        var server = fixture.Server;
        var name = "exp " + Script + " ' \" & " + Svg;
        var exp = await server.CreateExperimentAsync(name);
        var run = await server.CreateRunAsync(exp, "run " + Img,
            new Dictionary<string, string> { ["p"] = Script },
            new Dictionary<string, double[]> { ["m"] = [1, 2] },
            new Dictionary<string, string> { ["team"] = Img, ["note"] = "a`b${1}" });

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments?q={Uri.EscapeDataString("exp <script>")}");
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Experiments] tbody a")).ToHaveTextAsync(name);
        await AssertNothingRanAsync(ui);

        await ui.RedrawAsync(() => ui.Page.Locator("table[aria-label=Experiments] tbody a").ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync(name);
        await ui.Page.Locator("summary", new() { HasText = "Columns" }).ClickAsync();
        await ui.Page.Locator("input[data-column='tag:team']").CheckAsync();
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Runs] tbody")).ToContainTextAsync(Img);
        await AssertNothingRanAsync(ui);

        await ui.GoAsync($"#/runs/{run.Id}");
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("run " + Img);
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Parameters]")).ToContainTextAsync(Script);
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Tags]")).ToContainTextAsync(Img);
        await ui.ScreenshotAsync("escaping-run");
        await AssertNothingRanAsync(ui);
    }

    [Fact]
    public async Task HostileArtifactNames_AndHtmlAndSvgArtifactsWithScript_NeverRunIt()
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("escaping-artifacts");
        var run = await server.CreateRunAsync(exp, "hostile-artifacts");
        var fileName = "<img src=x onerror=alert(1)>.txt";
        await server.UploadArtifactAsync(run, fileName, Encoding.UTF8.GetBytes("plain " + Script));
        await server.UploadArtifactAsync(run, "report.html", Encoding.UTF8.GetBytes("<html><body><h1>Report</h1>" + Script + "<script>parent.pwned=1</script><img src=x onerror=\"parent.pwned=1\"><form action='/api/2.0/mlflow/experiments/create'><button>go</button></form></body></html>"));
        await server.UploadArtifactAsync(run, "chart.svg", Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20' onload='parent.pwned=1'><script>parent.pwned=1</script><rect width='40' height='20' fill='green'/></svg>"));

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/runs/{run.Id}");
        var preview = ui.Page.Locator(".preview");
        var file = ui.Page.Locator("ul[role=tree] button").Filter(new() { HasText = fileName });
        await Assertions.Expect(file).ToHaveTextAsync(fileName);
        await file.ClickAsync();
        await Assertions.Expect(preview.Locator("pre")).ToHaveTextAsync("plain " + Script);
        await Assertions.Expect(preview.Locator("strong")).ToHaveTextAsync(fileName);

        await ui.Page.Locator("button[data-artifact='report.html']").ClickAsync();
        await Assertions.Expect(ui.Page.FrameLocator(".preview iframe.report").Locator("h1")).ToHaveTextAsync("Report");
        Assert.Equal(string.Empty, await preview.Locator("iframe").GetAttributeAsync("sandbox"));
        // The sandboxed document has an opaque origin and no script: nothing it holds reached this page.
        Assert.Equal("null", await ui.Page.FrameLocator(".preview iframe.report").Locator("body").EvaluateAsync<string>("b => String(b.ownerDocument.defaultView.origin)"));

        await ui.Page.Locator("button[data-artifact='chart.svg']").ClickAsync();
        await ui.Page.WaitForFunctionAsync("() => { const i = document.querySelector('.preview img'); return i && i.complete && i.naturalWidth === 40; }");
        Assert.StartsWith("blob:", await preview.Locator("img").GetAttributeAsync("src"));
        await ui.ScreenshotAsync("escaping-artifacts");
        // Chromium reports each script it refused to run in the sandboxed report: the only messages allowed.
        Assert.Contains(ui.Problems, p => p.StartsWith(SandboxBlocked, StringComparison.Ordinal));
        await AssertNothingRanAsync(ui, SandboxBlocked);
    }

    [Fact]
    public async Task HostileModelName_AndReason_AreShownAsText_InTheRegistryAndItsTimeline()
    {
        var server = fixture.Server;
        var name = "model " + Img + " & 'q'";  // no '/': the registry refuses it in names
        await server.PostAsync("registered-models/create", new { name });
        await server.PostAsync("model-versions/create", new { name, source = "mlflow-artifacts:/models/hostile/1" });
        await server.PostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging", comment = "because " + Img });

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/models");
        await Assertions.Expect(ui.Page.Locator("table[aria-label='Registered models'] a", new() { HasText = "model <img" })).ToHaveTextAsync(name);
        await ui.RedrawAsync(() => ui.Page.Locator("table[aria-label='Registered models'] a", new() { HasText = "model <img" }).ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync(name);
        await Assertions.Expect(ui.Page.Locator("ol.timeline li").First).ToContainTextAsync("because " + Img);
        await ui.ScreenshotAsync("escaping-registry");
        await AssertNothingRanAsync(ui);
    }

    [Fact]
    public async Task HostileDeploymentName_Reason_AndEvidence_AreShownAsText_InTheListPageAndHistory()
    {
        var server = fixture.Server;
        var name = "dep " + Img + " & 'q'";  // no '/': a deployment name is one URL path segment
        await DeploymentsTests.SeedCanaryAsync(server, name, "mdl " + Img + " dep", reason: "because " + Script);
        var evidence = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["gate"] = Img,
            [Script] = new[] { Svg, "plain" },
            ["rows"] = new[] { new Dictionary<string, string> { [Img] = Script } },
        }));
        await server.PostAsync("/api/2.0/keel/deployments/rollback", new { name, comment = "rolled back: " + Img, evidence });

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/deployments");
        var link = ui.Page.Locator("table[aria-label=Deployments] a", new() { HasText = "dep <img" });
        await Assertions.Expect(link).ToHaveTextAsync(name);
        await AssertNothingRanAsync(ui);

        await ui.RedrawAsync(() => link.ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync(name);
        var history = ui.Page.Locator("ol.timeline li");
        await Assertions.Expect(history.Nth(0).Locator(".reason")).ToHaveTextAsync("“rolled back: " + Img + "”");
        await Assertions.Expect(history.Nth(1).Locator(".reason")).ToHaveTextAsync("“because " + Script + "”");
        var shown = history.Nth(0).Locator(".evidence");
        await Assertions.Expect(shown.Locator("dd[data-key=gate]")).ToHaveTextAsync(Img);
        await Assertions.Expect(shown.Locator("dl.jsonobj > dt").Nth(1)).ToHaveTextAsync(Script);
        await Assertions.Expect(shown.Locator("table.jsontable th")).ToHaveTextAsync(Img);
        await Assertions.Expect(shown.Locator("table.jsontable td")).ToHaveTextAsync(Script);
        await ui.ScreenshotAsync("escaping-deployment");
        await AssertNothingRanAsync(ui);

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Pause…" }).ClickAsync();
        await Assertions.Expect(ui.Page.Locator("dialog[open] h2")).ToHaveTextAsync("Pause " + name);
        await AssertNothingRanAsync(ui);
    }

    [Fact]
    public async Task UiResponses_CarryAPolicyWithoutInlineScript_AndApiResponsesKeepTheirOwn()
    {
        using var page = await fixture.Server.Http.GetAsync("/");
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(Keel.Server.Ui.UiApi.ContentSecurityPolicy, policy);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", policy);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());

        using var script = await fixture.Server.Http.GetAsync("/ui/js/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Keel.Server.Ui.UiApi.ContentSecurityPolicy, string.Join(";", script.Headers.GetValues("Content-Security-Policy")));

        using var api = await fixture.Server.Http.GetAsync("/api/2.0/mlflow/experiments/search?max_results=1");
        Assert.Equal("default-src 'none'; frame-ancestors 'none'; sandbox", string.Join(";", api.Headers.GetValues("Content-Security-Policy")));
        using var missing = await fixture.Server.Http.GetAsync("/no-such-page");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }
}
