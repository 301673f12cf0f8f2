using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class CompareTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ComparingSelectedRuns_OverlaysTheirMetrics_HighlightsDifferingParams_AndPlotsTheSweep()
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("compare-sweep");
        for (var i = 0; i < 3; i++)
        {
            await server.CreateRunAsync(exp, $"sweep-{i}",
                new Dictionary<string, string> { ["lr"] = (0.1 * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture), ["seed"] = "7" },
                new Dictionary<string, double[]> { ["loss"] = [1.0, 0.5 + i * 0.1, 0.2 + i * 0.1] },
                startTime: 1_700_000_000_000 + i);
        }

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments/{exp}");
        await ui.Page.GetByLabel("Select run sweep-0").CheckAsync();
        await ui.Page.GetByLabel("Select run sweep-2").CheckAsync();
        await ui.Page.GetByLabel("Select run sweep-1").CheckAsync();
        await ui.RedrawAsync(() => ui.Page.GetByRole(AriaRole.Button, new() { Name = "Compare selected (3)" }).ClickAsync());

        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("Compare 3 runs");
        var lr = ui.Page.Locator("table[aria-label='Parameters compared'] tr[data-key=lr]");
        var seed = ui.Page.Locator("table[aria-label='Parameters compared'] tr[data-key=seed]");
        Assert.Equal("true", await lr.GetAttributeAsync("data-differs"));
        Assert.Equal("false", await seed.GetAttributeAsync("data-differs"));
        await Assertions.Expect(lr).ToHaveClassAsync("diff");

        var loss = ui.Page.Locator("figure[data-metric=loss]");
        await Assertions.Expect(loss.Locator("canvas")).ToHaveCountAsync(1);
        Assert.Equal("9", await loss.GetAttributeAsync("data-points"));
        Assert.Equal(["sweep-0", "sweep-2", "sweep-1"], (await loss.Locator(".u-legend .u-series .u-label").AllTextContentsAsync()).Skip(1).ToArray());

        var scatter = ui.Page.Locator("figure[data-scatter]");
        await Assertions.Expect(scatter.Locator("canvas")).ToHaveCountAsync(1);
        Assert.Equal("3", await scatter.GetAttributeAsync("data-points"));
        await ui.ScreenshotAsync("compare");
        ui.AssertNoProblems();
    }
}
