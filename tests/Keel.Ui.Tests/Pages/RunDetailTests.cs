using System.Text;
using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class RunDetailTests(BrowserFixture fixture)
{
    /// <summary>A 2×2 PNG (red pixels), written out byte for byte.</summary>
    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");

    [Fact]
    public async Task OpeningARun_DrawsAChartPerMetric_WithTheLoggedValues()
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("run-detail-charts");
        var run = await server.CreateRunAsync(exp, "charted",
            new Dictionary<string, string> { ["lr"] = "0.1" },
            new Dictionary<string, double[]> { ["loss"] = [0.9, 0.5, 0.25, 0.125], ["accuracy"] = [0.5, 0.75, 0.875] },
            new Dictionary<string, string> { ["team"] = "vision" });
        await server.PostAsync("runs/log-inputs", new
        {
            run_id = run.Id,
            datasets = new[] { new { dataset = new { name = "train.csv", digest = "4f2a9c1e", source_type = "local", source = "{\"uri\": \"train.csv\"}" }, tags = new[] { new { key = "mlflow.data.context", value = "training" } } } },
        });

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/runs/{run.Id}");

        var loss = ui.Page.Locator("figure[data-metric=loss]");
        await Assertions.Expect(loss.Locator("canvas")).ToHaveCountAsync(1);
        Assert.Equal("4", await loss.GetAttributeAsync("data-points"));
        Assert.Equal("3", await ui.Page.Locator("figure[data-metric=accuracy]").GetAttributeAsync("data-points"));
        Assert.True(await PaintedPixelsAsync(loss) > 50, "the loss chart's canvas is blank");
        var values = await loss.Locator("table tbody td.num").AllTextContentsAsync();
        Assert.Equal(["0.9", "0.5", "0.25", "0.125"], values);
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Datasets]")).ToContainTextAsync("4f2a9c1e");
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Parameters]")).ToContainTextAsync("lr");

        // Zoom from the keyboard: the visible step range halves around its middle.
        await Assertions.Expect(loss).ToHaveAttributeAsync("data-x-range", "0..3");
        await loss.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).FocusAsync();
        await ui.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(loss).ToHaveAttributeAsync("data-x-range", "0.75..2.25");

        // Log scale and smoothing redraw the chart (smoothing adds the raw series, faded).
        await loss.GetByLabel("Log scale").CheckAsync();
        await loss.GetByLabel("Smoothing for loss").FillAsync("0.6");
        await Assertions.Expect(loss.Locator(".u-legend .u-series")).ToHaveCountAsync(3);
        await ui.ScreenshotAsync("run-detail");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task Artifacts_ArePreviewed_ImageJsonCsvAsTableAndHtmlInASandboxedFrame()
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("run-detail-artifacts");
        var run = await server.CreateRunAsync(exp, "with-artifacts");
        await server.UploadArtifactAsync(run, "plots/confusion.png", Png);
        await server.UploadArtifactAsync(run, "metrics.json", Encoding.UTF8.GetBytes("{\"auc\": 0.91}"));
        await server.UploadArtifactAsync(run, "sample.csv", Encoding.UTF8.GetBytes("age,plan\n31,\"gold, annual\"\n45,basic\n"));
        await server.UploadArtifactAsync(run, "drift.html", Encoding.UTF8.GetBytes("<html><head><style>h1{color:rgb(200,0,0)}</style></head><body><h1>Drift report</h1></body></html>"));

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/runs/{run.Id}");
        var preview = ui.Page.Locator(".preview");

        await ui.Page.Locator("button[data-artifact='plots']").ClickAsync();
        await ui.Page.Locator("button[data-artifact='plots/confusion.png']").ClickAsync();
        var img = preview.Locator("img");
        await Assertions.Expect(img).ToHaveCountAsync(1);
        await ui.Page.WaitForFunctionAsync("() => { const i = document.querySelector('.preview img'); return i && i.complete && i.naturalWidth === 2; }");

        await ui.Page.Locator("button[data-artifact='metrics.json']").ClickAsync();
        await Assertions.Expect(preview.Locator("pre")).ToContainTextAsync("\"auc\": 0.91");

        await ui.Page.Locator("button[data-artifact='sample.csv']").ClickAsync();
        await Assertions.Expect(preview.Locator("table.csv tbody tr")).ToHaveCountAsync(2);
        Assert.Equal(["31", "gold, annual"], await preview.Locator("table.csv tbody tr").First.Locator("td").AllTextContentsAsync());

        await ui.Page.Locator("button[data-artifact='drift.html']").ClickAsync();
        var frame = preview.Locator("iframe.report");
        await Assertions.Expect(frame).ToHaveAttributeAsync("sandbox", string.Empty);
        var heading = ui.Page.FrameLocator(".preview iframe.report").Locator("h1");
        await Assertions.Expect(heading).ToHaveTextAsync("Drift report");
        Assert.Equal("rgb(200, 0, 0)", await heading.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        await ui.ScreenshotAsync("run-artifacts");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task ARunWithAGateReport_ShowsEveryCheck_AndTheVerdict()
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("run-detail-gates");
        var run = await server.CreateRunAsync(exp, "gated");
        await server.UploadArtifactAsync(run, "validation/gate-report.json", Encoding.UTF8.GetBytes("""
            {"checks": [
              {"gate": "metric", "subject": "log_loss", "check": "min_relative_change", "value": "0.31", "bound": "<= 0.294", "outcome": "FAILED", "reason": "candidate log_loss = 0.31"},
              {"gate": "quality", "subject": "age", "check": "missing_share", "value": "0", "bound": "<= 0.15", "outcome": "PASSED", "reason": null}
            ], "passed": false, "failed": 1, "counted": 2, "tag_value": "failed: 1 of 2 checks"}
            """));

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/runs/{run.Id}");
        var report = ui.Page.Locator("section[aria-label='Gate report']");
        await Assertions.Expect(report.Locator("h2 .badge")).ToHaveTextAsync("failed: 1 of 2 checks");
        await Assertions.Expect(report.Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(report.Locator("tbody tr.diff")).ToContainTextAsync("log_loss");
        ui.AssertNoProblems();
    }

    internal static async Task<int> PaintedPixelsAsync(ILocator figure) =>
        await figure.Locator("canvas").EvaluateAsync<int>(
            """
            c => {
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
              return n;
            }
            """);
}
