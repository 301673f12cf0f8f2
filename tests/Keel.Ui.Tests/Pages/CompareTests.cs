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

    [Fact]
    public async Task ASweepOfFourRuns_IsDrawnAsParallelCoordinates_WithAnAxisPerVaryingParamAndMetric_AndBrushingFilters()
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("compare-parcoords");
        var ids = new List<string>();
        string[] models = ["tree", "linear", "tree", "<img src=x onerror=alert(1)>"];
        for (var i = 0; i < 4; i++)
        {
            var run = await server.CreateRunAsync(exp, $"pc-{i}",
                new Dictionary<string, string> { ["lr"] = (0.1 * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture), ["model"] = models[i], ["seed"] = "7" },
                new Dictionary<string, double[]> { ["auc"] = [0.7 + i * 0.05], ["rmse"] = [1.0 - i * 0.1] },
                startTime: 1_700_000_000_000 + i);
            ids.Add(run.Id);
        }

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/compare?runs=" + string.Join(",", ids));
        var pc = ui.Page.Locator("figure.pc");
        await Assertions.Expect(pc).ToHaveAttributeAsync("data-axes", "4");
        // The constant param (seed) is left out: it tells nothing about the sweep.
        Assert.Equal(["lr", "model", "auc", "rmse"], await pc.Locator("g.axis").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.axis)"));
        Assert.Equal(["param", "param", "metric", "metric"], await pc.Locator("g.axis").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.kind)"));
        var lines = pc.Locator("path.run");
        await Assertions.Expect(lines).ToHaveCountAsync(4);
        var paths = await lines.EvaluateAllAsync<string[]>("ps => ps.map(p => p.getAttribute('d'))");
        Assert.Equal(4, paths.Distinct().Count());
        Assert.All(paths, d => Assert.Equal(4, d.Count(c => c is 'M' or 'L')));
        Assert.Equal(ids, await lines.EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.run)"));
        // A categorical value is an axis tick, as text (cut to fit, whole in its title).
        await Assertions.Expect(pc.Locator("g.axis[data-axis=model] text.tick title", new() { HasText = "<img" })).ToHaveTextAsync(models[3]);
        Assert.Equal(0, await ui.Page.Locator("main img[src='x']").CountAsync());

        // Brush the upper half of the lr axis: the two runs with the largest lr stay.
        var hit = pc.Locator("g.axis[data-axis=lr] rect.hit");
        await pc.ScrollIntoViewIfNeededAsync();
        var box = (await hit.BoundingBoxAsync())!;
        await ui.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + 1);
        await ui.Page.Mouse.DownAsync();
        await ui.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height * 0.45f, new() { Steps = 5 });
        await ui.Page.Mouse.UpAsync();
        await Assertions.Expect(pc).ToHaveAttributeAsync("data-shown", "2");
        var kept = await lines.EvaluateAllAsync<bool[]>("ps => ps.map(p => !p.classList.contains('dim'))");
        Assert.Equal([false, false, true, true], kept);
        await ui.ScreenshotAsync("compare-parallel-coordinates");
        await pc.GetByRole(AriaRole.Button, new() { Name = "Clear filters" }).ClickAsync();
        await Assertions.Expect(pc).ToHaveAttributeAsync("data-shown", "4");
        ui.AssertNoProblems();
    }
}
