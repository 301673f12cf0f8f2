using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class RunsPageTests(BrowserFixture fixture)
{

    private async Task<string> SeedAsync(string name, int count)
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync(name);
        for (var i = 0; i < count; i++)
        {
            await server.CreateRunAsync(exp, $"run-{i:D2}",
                new Dictionary<string, string> { ["model"] = i % 3 == 0 ? "tree" : "linear", ["lr"] = (0.01 * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new Dictionary<string, double[]> { ["rmse"] = [10.0 - i * 0.25] },
                new Dictionary<string, string> { ["team"] = i % 2 == 0 ? "red" : "blue" },
                startTime: 1_700_000_000_000 + i * 1000);
        }

        return exp;
    }

    private static async Task<string[]> RunNamesAsync(UiPage ui) =>
        [.. await ui.Page.Locator("table[aria-label=Runs] tbody tr td:nth-child(2)").AllInnerTextsAsync()];

    [Fact]
    public async Task Search_WithMlflowFilter_ShowsOnlyMatchingRuns_InOneSearchCall()
    {
        var exp = await SeedAsync("runs-search", 12);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments/{exp}");
        Assert.Equal(12, (await RunNamesAsync(ui)).Length);

        await ui.Page.GetByLabel("Search runs (MLflow filter syntax)").FillAsync("params.model = 'tree' and metrics.rmse < 9");
        await ui.RedrawAsync(() => ui.Page.Keyboard.PressAsync("Enter"));

        // rmse = 10 - 0.25 i < 9 means i > 4; model tree means i % 3 == 0: runs 6 and 9.
        Assert.Equal(["run-09", "run-06"], await RunNamesAsync(ui));
        Assert.DoesNotContain(ui.ApiCalls, c => c.Contains("runs/get", StringComparison.Ordinal) || c.Contains("get-history", StringComparison.Ordinal));
        await ui.ScreenshotAsync("runs-search");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task Search_WithABadFilter_ShowsTheServersErrorInThePage()
    {
        var exp = await SeedAsync("runs-bad-filter", 1);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments/{exp}?filter=metrics.rmse+%3C%3C+1");

        var alert = ui.Page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("The search was refused");
        await Assertions.Expect(alert).ToContainTextAsync("rmse");
        await ui.ScreenshotAsync("runs-bad-filter");
    }

    [Fact]
    public async Task Paging_FollowsPageTokens_ForwardAndBack_WithOneSearchPerPage()
    {
        var exp = await SeedAsync("runs-paging", 30);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments/{exp}?size=25");
        var first = await RunNamesAsync(ui);
        Assert.Equal(25, first.Length);
        Assert.Equal("run-29", first[0]);

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Next →" }).ClickAsync();
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Runs] tbody tr")).ToHaveCountAsync(5);
        Assert.Equal(["run-04", "run-03", "run-02", "run-01", "run-00"], await RunNamesAsync(ui));
        Assert.True(await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Next →" }).IsDisabledAsync());

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "← Previous" }).ClickAsync();
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Runs] tbody tr")).ToHaveCountAsync(25);
        var searches = ui.ApiCalls.Count(c => c.EndsWith("runs/search", StringComparison.Ordinal));
        Assert.Equal(3, searches);
        Assert.DoesNotContain(ui.ApiCalls, c => c.Contains("runs/get", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SortingByAMetricColumn_OrdersTheRunsByIt()
    {
        var exp = await SeedAsync("runs-sort", 5);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments/{exp}");
        await ui.RedrawAsync(() => ui.Page.GetByRole(AriaRole.Button, new() { Name = "metric: rmse" }).ClickAsync());
        Assert.Equal(["run-00", "run-01", "run-02", "run-03", "run-04"], await RunNamesAsync(ui));

        await ui.RedrawAsync(() => ui.Page.GetByRole(AriaRole.Button, new() { Name = "metric: rmse" }).ClickAsync());
        Assert.Equal(["run-04", "run-03", "run-02", "run-01", "run-00"], await RunNamesAsync(ui));
    }

    [Fact]
    public async Task ChoosingATagColumn_ShowsItsValues()
    {
        var exp = await SeedAsync("runs-columns", 2);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/experiments/{exp}");
        await ui.Page.Locator("summary", new() { HasText = "Columns" }).ClickAsync();
        await ui.Page.Locator("input[data-column='tag:team']").CheckAsync();
        await Assertions.Expect(ui.Page.Locator("table[aria-label=Runs] thead")).ToContainTextAsync("tag: team");
        Assert.Equal(["blue", "red"], await ui.Page.Locator("table[aria-label=Runs] tbody tr td:last-child").AllInnerTextsAsync());
    }
}
