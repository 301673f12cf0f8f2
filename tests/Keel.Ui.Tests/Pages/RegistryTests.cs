using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class RegistryTests(BrowserFixture fixture)
{
    private async Task<(string Name, Run Run)> SeedModelAsync(string name, int versions)
    {
        var server = fixture.Server;
        var exp = await server.CreateExperimentAsync("registry-" + name);
        var run = await server.CreateRunAsync(exp, "trained-" + name, metrics: new Dictionary<string, double[]> { ["auc"] = [0.93] });
        await server.PostAsync("runs/log-inputs", new
        {
            run_id = run.Id,
            datasets = new[] { new { dataset = new { name = "credit.csv", digest = "d1g357", source_type = "local", source = "{}" }, tags = new[] { new { key = "mlflow.data.context", value = "training" } } } },
        });
        await server.PostAsync("registered-models/create", new { name });
        for (var i = 1; i <= versions; i++)
        {
            await server.PostAsync("model-versions/create", new { name, source = $"{run.ArtifactUri}/model", run_id = run.Id });
        }

        return (name, run);
    }

    private static ILocator Dialog(UiPage ui) => ui.Page.Locator("dialog[open]");

    [Fact]
    public async Task PromotingAVersion_WithAReason_MovesItsStage_AndTheAuditTrailShowsTheChange()
    {
        var (name, _) = await SeedModelAsync("credit-promote", 1);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}");
        var trail = ui.Page.Locator("ol.timeline li");
        var before = await trail.CountAsync();

        await ui.Page.Locator("tr[data-version='1']").GetByRole(AriaRole.Button, new() { Name = "Promote…" }).ClickAsync();
        await Dialog(ui).GetByLabel("To stage").SelectOptionAsync("Production");
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("beats the baseline by 3 points");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Promote" }).ClickAsync());

        await Assertions.Expect(ui.Page.Locator("tr[data-version='1'] td").Nth(1)).ToHaveTextAsync("Production");
        await Assertions.Expect(trail).ToHaveCountAsync(before + 1);
        await Assertions.Expect(trail.First).ToContainTextAsync("v1 None → Production");
        await Assertions.Expect(trail.First).ToContainTextAsync("beats the baseline by 3 points");
        await ui.ScreenshotAsync("registry-promoted");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task PromotingAVersionThatFailedItsGates_IsRefusedInTheDialog_AndForcingItKeepsTheReason()
    {
        var (name, _) = await SeedModelAsync("credit-guard", 1);
        await fixture.Server.PostAsync("model-versions/set-tag", new { name, version = "1", key = "keel.validation.status", value = "failed: 2 of 7 checks" });
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}");

        await ui.Page.Locator("tr[data-version='1']").GetByRole(AriaRole.Button, new() { Name = "Promote…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("hotfix");
        await Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Promote" }).ClickAsync();
        await Assertions.Expect(Dialog(ui).GetByRole(AriaRole.Alert)).ToContainTextAsync("failed its validation gates (failed: 2 of 7 checks)");
        await ui.ScreenshotAsync("registry-guard-refusal");

        await Dialog(ui).GetByLabel("Force past failed validation gates").CheckAsync();
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Promote" }).ClickAsync());
        await Assertions.Expect(ui.Page.Locator("ol.timeline li").First).ToContainTextAsync("[forced past failed gates: failed: 2 of 7 checks] hotfix");
    }

    [Fact]
    public async Task RollingBackProduction_PutsThePreviousVersionBack_AndTheTrailMarksTheRollback()
    {
        var (name, _) = await SeedModelAsync("credit-rollback", 2);
        foreach (var v in new[] { "1", "2" })
        {
            await fixture.Server.PostAsync("model-versions/transition-stage", new { name, version = v, stage = "Production", archive_existing_versions = true, comment = "release " + v });
        }

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Roll back…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Stage or alias").SelectOptionAsync("stage:Production");
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("v2 raised latency");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync());

        await Assertions.Expect(ui.Page.Locator("tr[data-version='1'] td").Nth(1)).ToHaveTextAsync("Production");
        await Assertions.Expect(ui.Page.Locator("ol.timeline li.rollback").First).ToContainTextAsync("v2 raised latency");
        await ui.ScreenshotAsync("registry-rollback");
    }

    [Fact]
    public async Task SettingAnAlias_WithAReason_ShowsItOnTheVersion_AndInTheTrail()
    {
        var (name, _) = await SeedModelAsync("credit-alias", 2);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}");
        await ui.Page.Locator("tr[data-version='2']").GetByRole(AriaRole.Button, new() { Name = "Set alias…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Alias").FillAsync("challenger");
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("shadow test");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Set alias" }).ClickAsync());

        await Assertions.Expect(ui.Page.Locator("tr[data-version='2'] .badge")).ToHaveTextAsync("@challenger");
        await Assertions.Expect(ui.Page.Locator("ol.timeline li").First).ToContainTextAsync("@challenger → v2");
        await Assertions.Expect(ui.Page.Locator("ol.timeline li").First).ToContainTextAsync("shadow test");
    }

    [Fact]
    public async Task AVersionPage_DrawsItsLineage_FromDataDigestToRunToVersion()
    {
        var (name, run) = await SeedModelAsync("credit-lineage", 1);
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/models/{name}/versions/1");
        var lineage = ui.Page.Locator(".lineage");
        await Assertions.Expect(lineage.Locator(".node").Nth(0)).ToContainTextAsync("d1g357");
        await Assertions.Expect(lineage.Locator(".node").Nth(1).Locator("a")).ToHaveAttributeAsync("href", $"#/runs/{run.Id}");
        await Assertions.Expect(lineage.Locator(".node").Nth(2)).ToContainTextAsync($"{name} v1");
        await ui.ScreenshotAsync("registry-lineage");
        ui.AssertNoProblems();
    }
}
