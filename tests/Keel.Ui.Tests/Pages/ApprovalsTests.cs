using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class ApprovalsTests(BrowserFixture fixture)
{
    private static ILocator Dialog(UiPage ui) => ui.Page.Locator("dialog[open]");

    private async Task<string> SeedAsync(string name)
    {
        var server = fixture.Server;
        await server.PostAsync("registered-models/create", new { name });
        await server.PostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/1" });
        await server.PostAsync("/api/2.0/keel/approvals/policy/set", new { name, required_approvals = 1 });
        return name;
    }

    [Fact]
    public async Task AVersionPage_ShowsItsPendingRequest_TheRequesterIsRefused_AndAnotherUserApprovesIt()
    {
        var name = await SeedAsync("credit-approvals");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}/versions/1");
        var panel = ui.Page.GetByRole(AriaRole.Region, new() { Name = "Approvals" });
        await Assertions.Expect(panel).ToContainTextAsync("needs 1 approval(s)");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Request approval…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Into production through").SelectOptionAsync("alias:champion");
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("beats the champion on the holdout");
        await Dialog(ui).GetByLabel("Your name").FillAsync("alice");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Request", Exact = true }).ClickAsync());

        var request = ui.Page.Locator("tr[data-request='1']");
        await Assertions.Expect(request).ToHaveAttributeAsync("data-state", "pending");
        await Assertions.Expect(request).ToContainTextAsync("alias:champion");
        await Assertions.Expect(request).ToContainTextAsync("beats the champion on the holdout");

        await request.GetByRole(AriaRole.Button, new() { Name = "Approve…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Your name").FillAsync("alice");
        await Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(Dialog(ui).GetByRole(AriaRole.Alert)).ToContainTextAsync("four eyes");
        await ui.ScreenshotAsync("approvals-four-eyes");

        await Dialog(ui).GetByLabel("Your name").FillAsync("bob");
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("checked the report");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync());

        request = ui.Page.Locator("tr[data-request='1']");
        await Assertions.Expect(request).ToHaveAttributeAsync("data-state", "approved");
        await Assertions.Expect(request).ToContainTextAsync("bob approved");
        await Assertions.Expect(ui.Page.Locator("ol.timeline li").First).ToContainTextAsync("approval approved");
        await ui.ScreenshotAsync("approvals-approved");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task Rejecting_NeedsAReason_AndMarksTheRequestRejected()
    {
        var name = await SeedAsync("credit-reject");
        using (var message = new HttpRequestMessage(HttpMethod.Post, "/api/2.0/keel/approvals/requests/create"))
        {
            message.Content = System.Net.Http.Json.JsonContent.Create(new { name, version = "1", target = "stage:Production", reason = "quarterly release" });
            message.Headers.Add("X-Keel-User", "alice");
            using var response = await fixture.Server.Http.SendAsync(message);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}/versions/1");
        var request = ui.Page.Locator("tr[data-request='1']");
        await request.GetByRole(AriaRole.Button, new() { Name = "Reject…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Your name").FillAsync("carol");
        await Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).ClickAsync();
        await Assertions.Expect(Dialog(ui)).ToBeVisibleAsync();
        Assert.False(await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).EvaluateAsync<bool>("t => t.checkValidity()"));
        await Assertions.Expect(ui.Page.Locator("tr[data-request='1']")).ToHaveAttributeAsync("data-state", "pending");

        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("drift on the holdout");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).ClickAsync());
        await Assertions.Expect(ui.Page.Locator("tr[data-request='1']")).ToHaveAttributeAsync("data-state", "rejected");
        await Assertions.Expect(ui.Page.Locator("tr[data-request='1']")).ToContainTextAsync("carol rejected");
        ui.AssertNoProblems();
    }
}
