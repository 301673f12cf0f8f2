using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class QualityTests(BrowserFixture fixture)
{
    [Fact]
    public async Task TheUi_IsUsableByKeyboard_NavigationDialogsAndEscape()
    {
        await fixture.Server.CreateExperimentAsync("keyboard");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/experiments");

        // Tab from the top: skip link, brand, then the main navigation.
        await ui.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await ui.Page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await ui.Page.Keyboard.PressAsync("Tab");
        await ui.Page.Keyboard.PressAsync("Tab");
        await ui.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Models", await ui.Page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await ui.RedrawAsync(() => ui.Page.Keyboard.PressAsync("Enter"));
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("Models");

        await ui.GoAsync("#/experiments");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "New experiment" }).FocusAsync();
        await ui.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(ui.Page.Locator("dialog[open]")).ToHaveCountAsync(1);
        await ui.Page.Keyboard.TypeAsync("typed-by-keyboard");
        await ui.RedrawAsync(() => ui.Page.Keyboard.PressAsync("Enter"));
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("typed-by-keyboard");

        await ui.GoAsync("#/experiments");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "New experiment" }).FocusAsync();
        await ui.Page.Keyboard.PressAsync("Enter");
        await ui.Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(ui.Page.Locator("dialog")).ToHaveCountAsync(0);
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task ExperimentsCanBeRenamedDeletedAndRestored()
    {
        var id = await fixture.Server.CreateExperimentAsync("lifecycle-a");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/experiments?q=lifecycle-");
        var row = ui.Page.Locator($"tr[data-experiment-id='{id}']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await ui.Page.Locator("dialog[open]").GetByLabel("New name").FillAsync("lifecycle-b");
        await ui.RedrawAsync(() => ui.Page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync());
        await Assertions.Expect(row.Locator("a")).ToHaveTextAsync("lifecycle-b");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await ui.RedrawAsync(() => ui.Page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync());
        await Assertions.Expect(row).ToHaveCountAsync(0);

        await ui.GoAsync("#/experiments?q=lifecycle-&view=DELETED_ONLY");
        await ui.RedrawAsync(() => row.GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync());
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await ui.GoAsync("#/experiments?q=lifecycle-");
        await Assertions.Expect(row.Locator("a")).ToHaveTextAsync("lifecycle-b");
    }

    [Fact]
    public async Task Themes_FollowTheSystem_LightAndDark()
    {
        await using var light = await fixture.NewPageAsync(ColorScheme.Light);
        await light.GoAsync("#/models");
        await using var dark = await fixture.NewPageAsync(ColorScheme.Dark);
        await dark.GoAsync("#/models");
        const string Background = "() => getComputedStyle(document.body).backgroundColor";
        Assert.Equal("rgb(255, 255, 255)", await light.Page.EvaluateAsync<string>(Background));
        Assert.Equal("rgb(20, 23, 27)", await dark.Page.EvaluateAsync<string>(Background));
        await dark.ScreenshotAsync("theme-dark");
    }

    [Fact]
    public async Task AnEmptyStore_ShowsTheFirstRunPage_WithTheMlflowClientAndKeelTrain()
    {
        await using var empty = await KeelUiServer.StartAsync();
        await using var ui = await fixture.NewPageAsync();
        await ui.Page.GotoAsync(empty.Address.ToString());
        await ui.WaitReadyAsync("/");
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("Welcome to Keel");
        await Assertions.Expect(ui.Page.Locator("main")).ToContainTextAsync("MLFLOW_TRACKING_URI=" + empty.Address.ToString().TrimEnd('/'));
        await Assertions.Expect(ui.Page.Locator("main")).ToContainTextAsync("keel train");
        await ui.ScreenshotAsync("first-run");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task DeploymentsAndMonitoring_HaveTheirPlaceInTheNavigation()
    {
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/deployments");
        await Assertions.Expect(ui.Page.Locator("nav a[aria-current=page]")).ToHaveTextAsync("Deployments");
        await ui.GoAsync("#/monitoring");
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("Monitoring");
    }
}
