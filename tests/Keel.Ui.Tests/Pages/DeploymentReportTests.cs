using System.Text;
using System.Text.Json;
using Keel.Ui.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Ui.Tests.Pages;

/// <summary>
/// The deployment page's comparison report panel filled from real traffic: two real models (logistic
/// regressions on the breast-cancer data, trained on different splits) in a shadow rollout, real
/// requests sent to the deployment's endpoint, their true labels sent as feedback, then the page read
/// in Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeploymentReportTests(BrowserFixture fixture)
{
    private const int Requests = 60;

    [Fact]
    public async Task AShadowDeploymentThatServedTraffic_ShowsBothArms_TheirAgreement_AndTheLabelledMetrics()
    {
        var server = fixture.Server;
        const string Name = "bc-shadow-report";
        const string Model = "bc-report";
        var folder = Directory.CreateTempSubdirectory("keel-ui-report-").FullName;
        try
        {
            var stable = await TrainedModels.TrainAsync(folder, "stable", 7);
            var candidate = await TrainedModels.TrainAsync(folder, "candidate", 8);
            var exp = await server.CreateExperimentAsync("bc-report-training");
            await server.PostAsync("registered-models/create", new { name = Model });
            await TrainedModels.RegisterAsync(server, exp, Model, stable);
            await TrainedModels.RegisterAsync(server, exp, Model, candidate);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        await server.PostAsync("/api/2.0/keel/deployments/create", new { spec = new { name = Name, model = Model, version = "1", strategy = "shadow" }, comment = "first release" });
        await server.PostAsync("/api/2.0/keel/deployments/apply", new { spec = new { name = Name, model = Model, version = "2", strategy = "shadow" }, comment = "shadow v2 before it takes traffic" });

        // Real requests to the deployment: v1 answers each, a copy goes to v2. Each gets its true label.
        var rows = TrainedModels.Requests();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Requests; i++)
        {
            using var content = new StringContent(rows[i].Body, Encoding.UTF8, "application/json");
            using var answer = await server.Http.PostAsync($"/deployments/{Name}/invocations", content);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            Assert.Equal("1", answer.Headers.GetValues("X-Keel-Model-Version").Single());
            labels[answer.Headers.GetValues("X-Request-Id").Single()] = rows[i].Label;
        }

        await WaitForShadowCopiesAsync(server, Model, Requests);
        foreach (var (requestId, label) in labels)
        {
            await server.PostAsync("/api/2.0/keel/serving/feedback", new { request_id = requestId, label = int.Parse(label, System.Globalization.CultureInfo.InvariantCulture) });
        }

        await using var ui = await fixture.NewPageAsync();
        await ui.GoAsync($"#/deployments/{Name}");
        var report = ui.Page.Locator("section.report[aria-label='Shadow comparison report']");
        await Assertions.Expect(report).ToHaveAttributeAsync("data-state", "ready");
        var arms = report.Locator("table[aria-label=Arms] tbody tr");
        await Assertions.Expect(arms).ToHaveCountAsync(2);
        var stableRow = report.Locator("table[aria-label=Arms] tr[data-arm=stable]");
        var shadowRow = report.Locator("table[aria-label=Arms] tr[data-arm=shadow]");
        await Assertions.Expect(stableRow.Locator("td").Nth(0)).ToHaveTextAsync("v1");
        await Assertions.Expect(shadowRow.Locator("td").Nth(0)).ToHaveTextAsync("v2");
        await Assertions.Expect(stableRow.Locator("td").Nth(1)).ToHaveTextAsync(Requests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(shadowRow.Locator("td").Nth(1)).ToHaveTextAsync(Requests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Every request was labelled: the labelled rows and the accuracy per arm come from the feedback.
        await Assertions.Expect(stableRow.Locator("td").Nth(8)).ToHaveTextAsync(Requests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(shadowRow.Locator("td").Nth(8)).ToHaveTextAsync(Requests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stored = (await server.GetJsonAsync($"/api/2.0/keel/deployments/report?name={Name}")).GetProperty("report");
        var accuracyColumn = (await report.Locator("table[aria-label=Arms] thead th").AllTextContentsAsync()).ToList().IndexOf("accuracy");
        Assert.True(accuracyColumn > 0, "no accuracy column");
        foreach (var arm in stored.GetProperty("arms").EnumerateArray())
        {
            var accuracy = arm.GetProperty("metrics").GetProperty("accuracy").GetDouble();
            Assert.InRange(accuracy, 0.8, 1.0);
            await Assertions.Expect(report.Locator($"table[aria-label=Arms] tr[data-arm={arm.GetProperty("arm").GetString()}] > *").Nth(accuracyColumn))
                .ToHaveTextAsync(accuracy.ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        }

        // Both arms answered the same 60 requests: the agreement and the confusion between arms show.
        var agreement = stored.GetProperty("comparison").GetProperty("agreement");
        Assert.Equal(Requests, agreement.GetProperty("total").GetInt64());
        var comparison = report.Locator(".comparison");
        await Assertions.Expect(comparison.Locator("p").First).ToHaveTextAsync($"{Requests} requests, {Requests} rows answered by both arms.");
        await Assertions.Expect(comparison.Locator(".agreement")).ToContainTextAsync($"({agreement.GetProperty("agree").GetInt64()} of {Requests} rows;");
        var confusion = comparison.Locator("table.confusion tbody td");
        var counts = (await confusion.AllTextContentsAsync()).Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Requests, counts.Sum());
        var expected = stored.GetProperty("comparison").GetProperty("confusion").GetProperty("counts").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(c => c.GetInt64())).ToArray();
        Assert.Equal(expected, counts);
        await ui.ScreenshotAsync("deployment-report-filled");
        ui.AssertNoProblems();
    }

    /// <summary>Shadow copies are scored off the request path and the log is written in batches: waits (polling, with a deadline) until the log holds every copy (the only answers of v2).</summary>
    private static async Task WaitForShadowCopiesAsync(KeelUiServer server, string model, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // Until the writer's first batch lands the log knows nothing of the model: 404 RESOURCE_DOES_NOT_EXIST, i.e. none yet.
            using var response = await server.Http.GetAsync($"/api/2.0/keel/serving/predictions?model={model}&max_results=1000");
            var logged = 0;
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                Assert.True(response.IsSuccessStatusCode, $"predictions: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                logged = page.GetProperty("predictions").EnumerateArray().Count(p => p.GetProperty("model_version").GetString() == "2");
            }

            if (logged >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {logged} of {count} shadow copies logged in 30 s");
            await Task.Delay(100);
        }
    }
}
