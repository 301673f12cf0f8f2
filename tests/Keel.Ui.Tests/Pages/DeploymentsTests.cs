using System.Text.Json.Nodes;
using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

/// <summary>
/// The deployments pages against a real server and store: versions registered and deployments
/// created and rolled out through the REST API, then read and acted on in Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeploymentsTests(BrowserFixture fixture)
{
    private static ILocator Dialog(UiPage ui) => ui.Page.Locator("dialog[open]");

    /// <summary>A model with two versions from one run (with a dataset), deployed at v1, then a canary rollout of v2 started (step 1 sets 10%). Returns the deployment's name and the run's id.</summary>
    internal static async Task<(string Name, string RunId)> SeedCanaryAsync(KeelUiServer server, string name, string model, string reason = "v2 passed validation")
    {
        var exp = await server.CreateExperimentAsync("deploy-" + Guid.NewGuid().ToString("N"));
        var run = await server.CreateRunAsync(exp, "trained-" + name, metrics: new Dictionary<string, double[]> { ["auc"] = [0.91] });
        await server.PostAsync("runs/log-inputs", new
        {
            run_id = run.Id,
            datasets = new[] { new { dataset = new { name = "credit.csv", digest = "dd1g35", source_type = "local", source = "{}" }, tags = Array.Empty<object>() } },
        });
        await server.PostAsync("registered-models/create", new { name = model });
        for (var i = 0; i < 2; i++)
        {
            await server.PostAsync("model-versions/create", new { name = model, source = $"{run.ArtifactUri}/model", run_id = run.Id });
        }

        await server.PostAsync("/api/2.0/keel/deployments/create", new { spec = Spec(name, model, "1"), comment = "first release" });
        await server.PostAsync("/api/2.0/keel/deployments/apply", new { spec = Spec(name, model, "2"), comment = reason });
        return (name, run.Id);
    }

    private static object Spec(string name, string model, string version) => new
    {
        name,
        model,
        version,
        strategy = "canary",
        traffic = new { candidate_weight = 0, routing_key = new { header = "X-Customer-Id" } },
        steps = new object[]
        {
            new { set_weight = 10 },
            new { pause = new { duration = "10m", min_requests = 500 } },
            new { analysis = new { gates = new[] { "error_rate" } } },
            new { set_weight = 50 },
            new { pause = new { } },
        },
        gates = new { min_requests = 200, error_rate = new { max_increase = 0.01 } },
    };

    [Fact]
    public async Task TheListAndACanarysPage_ShowItsSplit_ItsSteps_AndItsHistory()
    {
        var (name, _) = await SeedCanaryAsync(fixture.Server, "credit-canary-view", "credit-view");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/deployments");
        var row = ui.Page.Locator("tr[data-deployment='credit-canary-view']");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("canary");
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("progressing");
        await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("v1 90%");
        await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("v2 10%");
        await Assertions.Expect(row.Locator("td").Nth(6)).ToHaveTextAsync("1 of 5");
        await ui.ScreenshotAsync("deployments-list");
        // One list call for the whole page, never one per deployment.
        Assert.Equal(["GET /api/2.0/keel/deployments/list?max_results=100"], ui.ApiCalls.ToArray());
        ui.ApiCalls.Clear();

        await ui.RedrawAsync(() => row.Locator("a").First.ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync(name);
        var split = ui.Page.Locator("figure.split");
        await Assertions.Expect(split).ToHaveAttributeAsync("data-stable-weight", "90");
        await Assertions.Expect(split).ToHaveAttributeAsync("data-candidate-weight", "10");
        await Assertions.Expect(split.Locator(".bar")).ToHaveAttributeAsync("aria-label", "Traffic split: stable v1 90%, candidate v2 10%");

        var steps = ui.Page.Locator("ol.steps li");
        await Assertions.Expect(steps).ToHaveCountAsync(5);
        await Assertions.Expect(steps.Nth(0)).ToHaveAttributeAsync("aria-current", "step");
        await Assertions.Expect(steps.Nth(0)).ToContainTextAsync("Set candidate weight to 10%");
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("Pause: bake 10m and 500 candidate requests");
        await Assertions.Expect(steps.Nth(2)).ToContainTextAsync("Analysis: error_rate");
        await Assertions.Expect(steps.Nth(4)).ToContainTextAsync("Pause until resumed");
        Assert.Equal(["current", "pending", "pending", "pending", "pending"], await steps.EvaluateAllAsync<string[]>("ls => ls.map(l => l.dataset.status)"));

        var history = ui.Page.Locator("ol.timeline li");
        await Assertions.Expect(history).ToHaveCountAsync(2);
        await Assertions.Expect(history.Nth(0)).ToHaveAttributeAsync("data-kind", "rollout_started");
        await Assertions.Expect(history.Nth(0)).ToContainTextAsync("v2 passed validation");
        await Assertions.Expect(history.Nth(1)).ToHaveAttributeAsync("data-kind", "created");

        // Nothing was served through the deployment yet: the report panel says so, the page stands.
        var report = ui.Page.Locator("section.report");
        await Assertions.Expect(report).ToHaveAttributeAsync("data-state", "empty");
        await Assertions.Expect(report).ToContainTextAsync("No requests logged for this deployment yet");
        await ui.ScreenshotAsync("deployment-canary");
        // The page is three calls (sent together), whatever the history holds, and the monitoring status of its model after it is drawn.
        await Assertions.Expect(ui.Page.Locator("section.monitoring-now")).Not.ToHaveAttributeAsync("data-state", "loading");
        Assert.Equal(
            ["/api/2.0/keel/deployments/get", "/api/2.0/keel/deployments/history", "/api/2.0/keel/deployments/report", "/api/2.0/keel/monitoring/status"],
            ui.ApiCalls.Select(c => c.Split(' ')[1].Split('?')[0]).Order(StringComparer.Ordinal).ToArray());
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task RollingBackFromTheUi_WithAReason_StopsTheCandidate_AndTheHistoryShowsWhoAndWhy()
    {
        var (name, _) = await SeedCanaryAsync(fixture.Server, "credit-canary-rollback", "credit-rollback-ui");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/deployments/{name}");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Roll back…" }).ClickAsync();
        await Assertions.Expect(Dialog(ui)).ToContainTextAsync("Now: progressing; stable v1, candidate v2 at 10%.");
        // No reason: the form is not sent (the field is required) and the dialog stays open.
        await Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Assertions.Expect(Dialog(ui)).ToHaveCountAsync(1);
        Assert.False(await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).EvaluateAsync<bool>("t => t.validity.valid"));
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("p99 regressed on the candidate");
        await Dialog(ui).GetByLabel("Your name").FillAsync("ana");
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync());

        await Assertions.Expect(ui.Page.Locator(".badge.state")).ToHaveTextAsync("rolled back");
        await Assertions.Expect(ui.Page.Locator("figure.split")).ToHaveAttributeAsync("data-candidate-weight", "0");
        var latest = ui.Page.Locator("ol.timeline li").First;
        await Assertions.Expect(latest).ToHaveAttributeAsync("data-kind", "rolled_back");
        await Assertions.Expect(latest).ToHaveClassAsync("rollback");
        await Assertions.Expect(latest.Locator(".reason")).ToHaveTextAsync("“p99 regressed on the candidate”");
        await Assertions.Expect(latest.Locator(".actor")).ToHaveTextAsync("ana");
        await ui.ScreenshotAsync("deployment-rolled-back");

        var stored = (await fixture.Server.GetJsonAsync($"/api/2.0/keel/deployments/get?name={name}")).GetProperty("deployment");
        Assert.Equal("rolled_back", stored.GetProperty("state").GetString());
        Assert.Equal("p99 regressed on the candidate", stored.GetProperty("reason").GetString());
        // The name is remembered for the next change made from this browser.
        Assert.Equal("ana", await ui.Page.EvaluateAsync<string>("() => localStorage.getItem('keel.user')"));
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task RefusedActions_ShowTheServersError_InTheDialog()
    {
        var (name, _) = await SeedCanaryAsync(fixture.Server, "credit-canary-refused", "credit-refused");
        await fixture.Server.PostAsync("model-versions/set-tag", new { name = "credit-refused", version = "2", key = "keel.validation.status", value = "failed: 1 of 4 checks" });
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/deployments/{name}");

        // Resume a rollout that is not paused: the state machine refuses.
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Resume…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("carry on");
        await Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(Dialog(ui).GetByRole(AriaRole.Alert)).ToContainTextAsync("INVALID_STATE");
        await Assertions.Expect(Dialog(ui).GetByRole(AriaRole.Alert)).ToContainTextAsync("progressing");
        await ui.ScreenshotAsync("deployment-refused-state");
        await ui.Page.Keyboard.PressAsync("Escape");

        // Promote a candidate that failed validation: the promotion guard refuses unless forced.
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Promote…" }).ClickAsync();
        await Dialog(ui).GetByLabel("Reason", new() { Exact = true }).FillAsync("ship it");
        await Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Promote" }).ClickAsync();
        await Assertions.Expect(Dialog(ui).GetByRole(AriaRole.Alert)).ToContainTextAsync("failed: 1 of 4 checks");
        await ui.ScreenshotAsync("deployment-refused-guard");
        Assert.Equal("progressing", (await fixture.Server.GetJsonAsync($"/api/2.0/keel/deployments/get?name={name}")).GetProperty("deployment").GetProperty("state").GetString());

        await Dialog(ui).GetByLabel("Force past failed validation gates").CheckAsync();
        await ui.RedrawAsync(() => Dialog(ui).GetByRole(AriaRole.Button, new() { Name = "Promote" }).ClickAsync());
        await Assertions.Expect(ui.Page.Locator(".badge.state")).ToHaveTextAsync("promoted");
        await Assertions.Expect(ui.Page.Locator("figure.split")).ToHaveAttributeAsync("data-stable-weight", "100");
        await Assertions.Expect(ui.Page.Locator("ol.timeline li").First).ToHaveAttributeAsync("data-kind", "promoted");
    }

    [Fact]
    public async Task AVersionsLineage_LeadsToTheDeploymentsServingIt()
    {
        var (name, _) = await SeedCanaryAsync(fixture.Server, "credit-canary-lineage", "credit-lineage-deploy");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/models/credit-lineage-deploy/versions/2");
        var nodes = ui.Page.Locator(".lineage .node");
        await Assertions.Expect(nodes.Nth(0)).ToContainTextAsync("dd1g35");
        await Assertions.Expect(nodes.Nth(2)).ToContainTextAsync("credit-lineage-deploy v2");
        var served = nodes.Nth(3).Locator($"[data-deployment='{name}']");
        await Assertions.Expect(served.Locator("a")).ToHaveAttributeAsync("href", $"#/deployments/{name}");
        await Assertions.Expect(served).ToContainTextAsync("candidate · 10% · progressing");
        await ui.ScreenshotAsync("lineage-deployment");

        await ui.GoAsync("#/models/credit-lineage-deploy/versions/1");
        await Assertions.Expect(ui.Page.Locator($".lineage .node [data-deployment='{name}']")).ToContainTextAsync("stable · 90% · progressing");
        await ui.RedrawAsync(() => ui.Page.Locator($".lineage .node [data-deployment='{name}'] a").ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync(name);
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task ARunsPage_LeadsToTheVersionsItBecame_AndTheDeploymentsServingThem()
    {
        var (name, runId) = await SeedCanaryAsync(fixture.Server, "credit-canary-became", "credit-became");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/runs/{runId}");
        var became = ui.Page.Locator("ul.became");
        await Assertions.Expect(became.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(became.Locator("li[data-version='1'] .served")).ToContainTextAsync($"deployment {name}: stable 90%");
        await Assertions.Expect(became.Locator("li[data-version='2'] .served")).ToContainTextAsync($"deployment {name}: candidate 10%");
        await Assertions.Expect(became.Locator("li[data-version='2'] .served a")).ToHaveAttributeAsync("href", $"#/deployments/{name}");
        await ui.ScreenshotAsync("run-became-deployment");
        // Two calls, whatever the versions and deployments number.
        Assert.Single(ui.ApiCalls, c => c.Contains("model-versions/search", StringComparison.Ordinal));
        Assert.Single(ui.ApiCalls, c => c.Contains("deployments/list", StringComparison.Ordinal));
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task GateEvidence_IsShownReadably_InTheHistory()
    {
        var (name, _) = await SeedCanaryAsync(fixture.Server, "credit-canary-evidence", "credit-evidence");
        var evidence = JsonNode.Parse("""{"gate":"error_rate","outcome":"failed","stable":{"requests":1200,"error_rate":0.002},"candidate":{"requests":310,"error_rate":0.031},"max_increase":0.01}""");
        await fixture.Server.PostAsync("/api/2.0/keel/deployments/rollback", new { name, comment = "error rate gate failed", evidence });
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/deployments/{name}");
        var shown = ui.Page.Locator("ol.timeline li").First.Locator(".evidence");
        await Assertions.Expect(shown.Locator("dd[data-key=gate]")).ToHaveTextAsync("error_rate");
        await Assertions.Expect(shown.Locator("dd[data-key=candidate] dd[data-key=error_rate]")).ToHaveTextAsync("0.031");
        await Assertions.Expect(shown.Locator("dd[data-key=stable] dd[data-key=requests]")).ToHaveTextAsync("1200");
        await ui.ScreenshotAsync("deployment-evidence");
        ui.AssertNoProblems();
    }
}
