using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

/// <summary>
/// The monitoring pages against a real server: the monitor applied through the REST API, windows and
/// alerts written into the server's real SQLite monitoring store (as a monitoring pass and the alert
/// evaluator write them), then read in Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MonitoringTests(BrowserFixture fixture)
{
    private const string Img = "<img src=x onerror=\"window.pwned=1;alert('y')\">";
    private const string Script = "<script>window.pwned=1;alert('x')</script>";

    /// <summary>Drift scores of three input features over six windows: income drifts from window 4 on, psi:tenure (a distance) in the last.</summary>
    private static readonly Dictionary<string, double[]> Scores = new()
    {
        ["income"] = [0.05, 0.08, 0.1, 0.12, 0.35, 0.5],
        ["age"] = [0.04, 0.06, 0.05, 0.07, 0.06, 0.05],
        ["psi:tenure"] = [0.02, 0.03, 0.05, 0.04, 0.1, 0.25],
    };

    private static readonly double[] Accuracy = [0.91, 0.9, 0.89, 0.86, 0.81, 0.78];
    private static readonly double[] Estimated = [0.9, 0.9, 0.88, 0.85, 0.83, 0.8];

    private static async Task<MonitoringSeed> SeedAsync(KeelUiServer server, string model, Dictionary<string, double[]>? scores = null, string prediction = "prediction")
    {
        await server.PostAsync("registered-models/create", new { name = model });
        await server.PostAsync("model-versions/create", new { name = model, source = $"mlflow-artifacts:/models/m/1" });
        await server.PostAsync("model-versions/create", new { name = model, source = $"mlflow-artifacts:/models/m/2" });
        await server.PostAsync("/api/2.0/keel/monitoring/monitors/apply", new
        {
            model,
            interval_seconds = 3600,
            window_seconds = 3600,
            rules = new object[] { new { name = "income-drift", kind = "drifted_share", threshold = 0.3, @for = 2, severity = "critical" } },
        });
        var seed = new MonitoringSeed(server, model);
        // Served directly (v2, six windows up to the last hour) and a canary's candidate arm (v2, three older windows).
        await seed.WindowsAsync("2", null, null, 6, scores ?? Scores, prediction, accuracy: Accuracy, estimated: Estimated);
        await seed.WindowsAsync("2", "canary-" + model.Length, "candidate", 3, new Dictionary<string, double[]> { ["income"] = [0.6, 0.7, 0.8] }, prediction, endsBefore: 2);
        await seed.AlertAsync("income-drift", AlertRuleKinds.DriftedShare, "critical", "2", null, null, 0.5, "income drifted in 2 windows in a row", AlertStates.Pending, AlertStates.Firing);
        await seed.AlertAsync("latency", AlertRuleKinds.LatencyP99, "warning", "2", null, null, 2600, "p99 above 2.5 ms", AlertStates.Pending, AlertStates.Firing, AlertStates.Resolved);
        return seed;
    }

    [Fact]
    public async Task AModelsPage_DrawsTheDriftHeatmap_AndTheMetricChart_FromTheStoredWindows()
    {
        var seed = await SeedAsync(fixture.Server, "credit-monitored-ui");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/monitoring/credit-monitored-ui");
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("credit-monitored-ui");
        await Assertions.Expect(ui.Page.Locator("[data-monitor=stored]")).ToContainTextAsync("every 3600 s · windows of 3600 s · 1 rule(s)");

        // The most recently active series is shown: v2 served directly, six windows.
        var heat = ui.Page.Locator("table.heatmap");
        await Assertions.Expect(heat).ToHaveAttributeAsync("aria-label", "Drift by feature (score) over 6 windows");
        var rows = heat.Locator("tbody tr");
        Assert.Equal(["income", "age", "tenure", "prediction"], await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.feature)"));
        await Assertions.Expect(rows.Nth(0).Locator("td")).ToHaveCountAsync(6);
        // The stored scores, cell by cell; drifted cells marked: income in windows 5 and 6, tenure (psi ≥ 0.2) in 6, the prediction in 6 (p < 0.05).
        Assert.Equal(Scores["income"].Select(s => s.ToString(CultureInfo.InvariantCulture)), await rows.Nth(0).Locator("td").EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.score)"));
        Assert.Equal(["false", "false", "false", "false", "true", "true"], await rows.Nth(0).Locator("td").EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.drifted)"));
        await Assertions.Expect(heat.Locator("td.drifted")).ToHaveCountAsync(4);
        await Assertions.Expect(heat).ToHaveAttributeAsync("data-drifted", "4");
        await Assertions.Expect(rows.Nth(0).Locator("td").Nth(5)).ToHaveTextAsync("▲0.5");
        await Assertions.Expect(rows.Nth(0).Locator("td").Nth(5)).ToHaveAttributeAsync("data-level", "1.000");
        await Assertions.Expect(rows.Nth(0).Locator("td").Nth(0)).ToHaveAttributeAsync("data-level", "0.100");
        // Scores are scaled per method: age's KS statistics (at most 0.07) stay pale beside income's 0.5.
        await Assertions.Expect(rows.Nth(1).Locator("td").Nth(3)).ToHaveAttributeAsync("data-level", "0.140");
        await Assertions.Expect(heat.Locator("thead th")).ToHaveCountAsync(7);

        // The metric, its estimate and validation value, with the rows behind each, drawn by uPlot.
        var metric = ui.Page.Locator("figure[data-chart=metric]");
        await Assertions.Expect(metric.Locator("h3")).ToHaveTextAsync("accuracy over windows");
        await Assertions.Expect(metric).ToHaveAttributeAsync("data-points", "30");
        await Assertions.Expect(metric).ToHaveAttributeAsync("data-drawn", "5");
        Assert.True(await RunDetailTests.PaintedPixelsAsync(metric) > 50, "the metric chart's canvas is blank");
        var table = metric.Locator("details table tbody tr");
        await Assertions.Expect(table).ToHaveCountAsync(6);
        // The last window: realised 0.78 on 105 labelled rows, estimated 0.8 on 450 rows, validation 0.92.
        Assert.Equal(["0.78", "0.8", "0.92", "105", "450"], await table.Nth(5).Locator("td.num").AllTextContentsAsync());
        var traffic = ui.Page.Locator("figure[data-chart=traffic]");
        await Assertions.Expect(traffic).ToHaveAttributeAsync("data-points", "18");
        await Assertions.Expect(traffic).ToHaveAttributeAsync("data-drawn", "3");
        Assert.True(await RunDetailTests.PaintedPixelsAsync(traffic) > 50, "the traffic chart's canvas is blank");

        // Alerts: the firing one is active, both changed state in the history (newest first).
        var active = ui.Page.Locator("table[aria-label='Active alerts'] tbody tr");
        await Assertions.Expect(active).ToHaveCountAsync(1);
        await Assertions.Expect(active.First).ToHaveAttributeAsync("data-rule", "income-drift");
        await Assertions.Expect(active.First).ToContainTextAsync("income drifted in 2 windows in a row");
        var history = ui.Page.Locator("ol.timeline[aria-label='Alert history'] li");
        await Assertions.Expect(history).ToHaveCountAsync(5);
        await Assertions.Expect(ui.Page.Locator("ol.timeline[aria-label='Alert history'] li[data-to=resolved]")).ToHaveCountAsync(1);
        await Assertions.Expect(ui.Page.Locator("ol.timeline li[data-rule=income-drift][data-to=firing]")).ToContainTextAsync("pending → firing");
        await ui.ScreenshotAsync("monitoring-model");

        // Another series from the selector: the canary's candidate arm, three windows, income drifted in each.
        await ui.RedrawAsync(() => ui.Page.GetByLabel("Series").SelectOptionAsync(new SelectOptionValue { Label = $"v2 · deployment canary-{seed.Model.Length} (candidate) · 3 windows" }));
        await Assertions.Expect(heat).ToHaveAttributeAsync("aria-label", "Drift by feature (score) over 3 windows");
        await Assertions.Expect(heat.Locator("tbody tr[data-feature=income] td.drifted")).ToHaveCountAsync(3);
        await Assertions.Expect(ui.Page.Locator("[data-empty=metric]")).ToHaveCountAsync(1);

        // The p-value colouring: tests coloured by -log10(p), the distance uncoloured.
        await ui.GoAsync("#/monitoring/credit-monitored-ui?color=p_value");
        await Assertions.Expect(heat).ToHaveAttributeAsync("data-mode", "p_value");
        await Assertions.Expect(heat.Locator("tbody tr[data-feature=tenure] td").First).ToHaveTextAsync("—");
        await Assertions.Expect(heat.Locator("tbody tr[data-feature=income] td").Last).ToHaveAttributeAsync("data-level", "0.500");

        // No call per window, series or alert.
        var paths = ui.ApiCalls.Select(c => c.Split(' ')[1].Split('?')[0]).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["/api/2.0/keel/monitoring/alerts/history", "/api/2.0/keel/monitoring/status", "/api/2.0/keel/monitoring/summary", "/api/2.0/keel/monitoring/windows/list"],
            paths);
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task TheHeatmap_IsOneTabStop_ArrowKeysMove_AndEnterShowsTheWindow()
    {
        var seed = await SeedAsync(fixture.Server, "credit-keyboard-ui");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/monitoring/credit-keyboard-ui");
        await ui.Page.GetByLabel("Heatmap colour").FocusAsync();
        await ui.Page.Keyboard.PressAsync("Tab");
        // The grid's one tab stop: the first feature's latest window.
        Assert.Equal("0,5", await ui.Page.EvaluateAsync<string>("() => document.activeElement.dataset.row + ',' + document.activeElement.dataset.col"));
        await ui.Page.Keyboard.PressAsync("ArrowLeft");
        await ui.Page.Keyboard.PressAsync("ArrowDown");
        await ui.Page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("2,4", await ui.Page.EvaluateAsync<string>("() => document.activeElement.dataset.row + ',' + document.activeElement.dataset.col"));
        await Assertions.Expect(ui.Page.Locator(".heat-focus")).ToContainTextAsync("tenure, window ending");
        Assert.Equal(1, await ui.Page.Locator("table.heatmap td[tabindex='0']").CountAsync());
        await ui.Page.Keyboard.PressAsync("Enter");
        var details = ui.Page.Locator(".window-details");
        await Assertions.Expect(details).ToHaveAttributeAsync("data-end", (seed.LastEnd - MonitoringSeed.Hour).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(details.Locator(".feature-focus")).ToContainTextAsync("tenure (input): psi score 0.1");
        await Assertions.Expect(details.Locator("table[aria-label=Window]")).ToContainTextAsync("440");

        // The last window: its data-quality failure is listed.
        await ui.Page.Keyboard.PressAsync("End");
        await ui.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(details.Locator("ul.quality-failures li")).ToHaveTextAsync("income: 12% of values outside the training range");
        await ui.ScreenshotAsync("monitoring-keyboard");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task HostileModelFeatureAndAlertStrings_AreShownAsText_AndNoInlineScriptRuns()
    {
        var model = "mon " + Img + " & 'q'";
        var scores = new Dictionary<string, double[]>
        {
            [Script] = [0.1, 0.1, 0.1, 0.1, 0.4, 0.4],
            [Img] = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
            ["psi:" + Img + " 2"] = [0.1, 0.1, 0.1, 0.1, 0.1, 0.3],
        };
        var seed = await SeedAsync(fixture.Server, model, scores, prediction: "pred " + Script);
        await seed.AlertAsync("rule " + Img, AlertRuleKinds.Metric, "warning " + Script, "2", null, null, 0.1, "message " + Img, AlertStates.Firing);

        await using var ui = await fixture.NewPageAsync();
        // Every Content-Security-Policy violation in the page (an inline script or handler refused) is counted.
        await ui.Page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => (window.cspViolations = window.cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI))");
        await ui.GoAsync("#/monitoring/" + Uri.EscapeDataString(model));
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync(model);
        var rows = ui.Page.Locator("table.heatmap tbody th");
        Assert.Equal([Script, Img, Img + " 2", "pred " + Script + " (prediction)"], await rows.AllTextContentsAsync());
        await Assertions.Expect(ui.Page.Locator("table[aria-label='Active alerts']")).ToContainTextAsync("rule " + Img);
        await Assertions.Expect(ui.Page.Locator("table[aria-label='Active alerts']")).ToContainTextAsync("message " + Img);
        var hostileEvent = ui.Page.Locator("ol.timeline li", new() { HasText = "rule <img" });
        await Assertions.Expect(hostileEvent.Locator(".reason")).ToHaveTextAsync("message " + Img);
        await hostileEvent.Locator("details.evidence > summary").ClickAsync();
        await Assertions.Expect(hostileEvent.Locator("dd[data-key=message]")).ToHaveTextAsync("message " + Img);
        await ui.Page.Locator("table.heatmap td[data-row='0'][data-col='5']").ClickAsync();
        await Assertions.Expect(ui.Page.Locator(".window-details .feature-focus strong")).ToHaveTextAsync(Script);
        await ui.ScreenshotAsync("monitoring-escaping");

        Assert.Null(await ui.Page.EvaluateAsync<int?>("() => window.pwned ?? null"));
        Assert.Null(await ui.Page.EvaluateAsync<string[]?>("() => window.cspViolations ?? null"));
        Assert.Equal(0, await ui.Page.Locator("main img[src='x'], main script").CountAsync());
        // The monitoring modules are Keel's own files under the UI's policy (script-src 'self': no inline script).
        Assert.All(ui.ApiCalls, c => Assert.StartsWith("GET /api/2.0/", c, StringComparison.Ordinal));
        using var module = await fixture.Server.Http.GetAsync("/ui/js/monitoring.js");
        Assert.Equal(Keel.Server.Ui.UiApi.ContentSecurityPolicy, string.Join(";", module.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(0, await ui.Page.EvaluateAsync<int>("() => [...document.scripts].filter(s => !s.src).length"));
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task TheSummaryPanel_ShowsTheSummaryOfEverySeries_AndTheDriftReportInASandboxedFrame()
    {
        var seed = await SeedAsync(fixture.Server, "credit-report-ui", new Dictionary<string, double[]>(Scores) { [Img] = [0.1, 0.1, 0.1, 0.1, 0.4, 0.4] });
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/monitoring/credit-report-ui");
        var panel = ui.Page.Locator("section.monitoring-report");
        await Assertions.Expect(panel).Not.ToHaveAttributeAsync("data-state", "loading");
        var state = await panel.GetAttributeAsync("data-state");
        Assert.Equal("ready", state);
        // The summary counts every series of the model: income drifted in 2 of the 6 direct windows and in all 3 of the canary's.
        var income = panel.Locator("table[aria-label='Drift by feature over the period'] tr[data-feature=income] td");
        await Assertions.Expect(income.Nth(2)).ToHaveTextAsync("9");
        await Assertions.Expect(income.Nth(3)).ToHaveTextAsync("5");
        await Assertions.Expect(panel.Locator("table[aria-label='Drift by feature over the period']")).ToContainTextAsync(Img);
        await panel.Locator("button[data-action=show-report]").ClickAsync();
        var frame = panel.Locator("iframe.report");
        await Assertions.Expect(frame).ToHaveAttributeAsync("sandbox", "");
        await Assertions.Expect(ui.Page.FrameLocator("section.monitoring-report iframe.report").Locator("h1")).ToContainTextAsync(seed.Model);
        Assert.Equal("null", await ui.Page.FrameLocator("section.monitoring-report iframe.report").Locator("body").EvaluateAsync<string>("b => String(b.ownerDocument.defaultView.origin)"));
        await ui.ScreenshotAsync("monitoring-report");
        Assert.Null(await ui.Page.EvaluateAsync<int?>("() => window.pwned ?? null"));
        ui.AssertNoProblems("console: Blocked script execution in 'about:srcdoc'");
    }

    [Fact]
    public async Task AModelWithoutMonitorOrWindows_SaysSo_AndTheListLeadsToMonitoredModels()
    {
        await fixture.Server.PostAsync("registered-models/create", new { name = "never-monitored-ui" });
        await SeedAsync(fixture.Server, "listed-monitored-ui");
        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync("#/monitoring/never-monitored-ui");
        await Assertions.Expect(ui.Page.Locator("[data-empty=no-monitor]")).ToContainTextAsync("No monitor is configured for this model");
        await Assertions.Expect(ui.Page.Locator("[data-empty=no-windows]")).ToContainTextAsync("No monitoring windows for this model in the last 7 day(s).");
        await Assertions.Expect(ui.Page.Locator("[data-empty=history]")).ToHaveCountAsync(1);
        await Assertions.Expect(ui.Page.Locator("table.heatmap")).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("monitoring-empty");

        await ui.GoAsync("#/monitoring");
        var row = ui.Page.Locator("table[aria-label=Monitors] tr[data-model='listed-monitored-ui']");
        await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("1");
        await Assertions.Expect(ui.Page.Locator("table[aria-label='Firing alerts'] tr[data-rule=income-drift]").First).ToBeVisibleAsync();
        await ui.RedrawAsync(() => row.Locator("a").ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h1")).ToHaveTextAsync("listed-monitored-ui");
        ui.AssertNoProblems();
    }

    [Fact]
    public async Task TheModelAndDeploymentPages_LeadToHowTheDeploymentIsDoingNow()
    {
        var seed = await SeedAsync(fixture.Server, "credit-linked-ui");
        var (name, _) = await DeploymentsTests.SeedCanaryAsync(fixture.Server, "linked-canary-ui", "credit-linked-deploy-ui");
        var deployed = new MonitoringSeed(fixture.Server, "credit-linked-deploy-ui");
        await deployed.WindowsAsync("1", name, "stable", 2, new Dictionary<string, double[]> { ["income"] = [0.1, 0.1] }, accuracy: [0.9, 0.91], estimated: [0.9, 0.9]);
        await deployed.WindowsAsync("2", name, "candidate", 2, new Dictionary<string, double[]> { ["income"] = [0.1, 0.5] });
        await deployed.AlertAsync("candidate-drift", AlertRuleKinds.DriftedShare, "critical", "2", name, "candidate", 1, "income drifted on the candidate", AlertStates.Firing);

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/deployments/{name}");
        var now = ui.Page.Locator("section.monitoring-now");
        await Assertions.Expect(now).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(now.Locator("tr[data-arm=candidate] td").Nth(4)).ToContainTextAsync("100%");
        await Assertions.Expect(now.Locator("tr[data-arm=stable] td").Nth(5)).ToHaveTextAsync("accuracy 0.91 (101 rows)");
        await Assertions.Expect(now.Locator("table[aria-label='Active alerts of this deployment'] tr[data-rule=candidate-drift]")).ToHaveCountAsync(1);
        await ui.ScreenshotAsync("deployment-monitoring-now");
        await ui.RedrawAsync(() => now.GetByRole(AriaRole.Link, new() { Name = "Monitoring of credit-linked-deploy-ui for this deployment →" }).ClickAsync());
        await Assertions.Expect(ui.Page.Locator("h2", new() { HasText = "Drift by feature" })).ToContainTextAsync($"deployment {name}");

        await ui.GoAsync("#/models/credit-linked-ui");
        await ui.RedrawAsync(() => ui.Page.Locator("a[data-link=monitoring]").ClickAsync());
        await Assertions.Expect(ui.Page.Locator("table.heatmap")).ToHaveAttributeAsync("aria-label", "Drift by feature (score) over 6 windows");
        Assert.Equal(seed.Model, await ui.Page.Locator("h1").TextContentAsync());
        ui.AssertNoProblems();
    }
}
