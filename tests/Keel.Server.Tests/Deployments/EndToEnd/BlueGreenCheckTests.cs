using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Deployments.EndToEnd;

/// <summary>
/// Blue-green rollouts of real breast-cancer models whose candidate must pass <c>keel validate</c>'s
/// gates on a data set in the artifact store before traffic switches: a candidate that passes is
/// switched; one that fails (a metric bound it cannot meet, data whose schema it refuses, data that
/// is not there) is not, the stable version keeps every request, and the history keeps the report.
/// </summary>
public sealed class BlueGreenCheckTests(BlueGreenCheckFixture fixture) : IClassFixture<BlueGreenCheckFixture>
{
    private static object Spec(string name, string version, object? checks) =>
        checks is null
            ? new { name, model = BlueGreenCheckFixture.Model, version, strategy = "blue_green", alias = "prod-" + name }
            : new { name, model = BlueGreenCheckFixture.Model, version, strategy = "blue_green", alias = "prod-" + name, checks };

    private async Task<(JsonElement Deployment, List<JsonElement> History)> RollOutAsync(string name, object checks)
    {
        var created = await fixture.Client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec = Spec(name, "1", null) });
        Assert.True(created.Status == 200, created.Body);
        var applied = await fixture.Client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = Spec(name, "2", checks) });
        Assert.True(applied.Status == 200, applied.Body);

        JsonElement deployment = default;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            deployment = (await fixture.Client.ApiGetAsync($"/api/2.0/keel/deployments/get?name={name}"))["deployment"];
            if (deployment.GetProperty("state").GetString() is "promoted" or "rolled_back" or "failed")
            {
                break;
            }

            Assert.True(deadline.Elapsed.TotalSeconds < 120, $"Timed out waiting for the rollout of {name}: {deployment}");
            await Task.Delay(20);
        }

        var history = (await fixture.Client.ApiGetAsync($"/api/2.0/keel/deployments/history?name={name}&max_results=1000"))["events"].EnumerateArray().ToList();
        return (deployment, history);
    }

    private async Task<string?> AnsweringVersionAsync(string name)
    {
        using var content = new StringContent(fixture.Body, Encoding.UTF8, "application/json");
        using var response = await fixture.Client.PostAsync($"/deployments/{name}/invocations", content);
        Assert.Equal(200, (int)response.StatusCode);
        return response.Headers.TryGetValues("X-Keel-Model-Version", out var version) ? version.Single() : null;
    }

    private static IEnumerable<JsonElement> Checks(JsonElement evidence, string outcome) =>
        evidence.GetProperty("validation").GetProperty("report").GetProperty("checks").EnumerateArray()
            .Where(c => string.Equals(c.GetProperty("outcome").ToString(), outcome, StringComparison.OrdinalIgnoreCase));

    private async Task AssertNotSwitchedAsync(string name, JsonElement deployment, List<JsonElement> history)
    {
        Assert.Equal("failed", deployment.GetProperty("state").GetString());
        Assert.Equal("1", deployment.GetProperty("stable_version").GetString());
        Assert.Equal(0, deployment.GetProperty("candidate_weight").GetInt32());
        Assert.Equal("1", (await fixture.Client.ApiGetAsync($"/api/2.0/mlflow/registered-models/alias?name={BlueGreenCheckFixture.Model}&alias=prod-{name}"))["model_version"].GetProperty("version").GetString());
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("1", await AnsweringVersionAsync(name));
        }

        Assert.DoesNotContain(history, e => e.GetProperty("kind").GetString() == "promoted");
    }

    [Fact]
    public async Task CandidateThatPassesItsGates_OnAStoredDataSet_IsSwitched_WithTheReportInTheHistory()
    {
        var (deployment, history) = await RollOutAsync("bg-pass", new { data = fixture.RunData, thresholds = new Dictionary<string, double> { ["roc_auc"] = 0.9 } });

        Assert.True(deployment.GetProperty("state").GetString() == "promoted", deployment.ToString());
        Assert.Equal("2", deployment.GetProperty("stable_version").GetString());
        Assert.Equal("2", await AnsweringVersionAsync("bg-pass"));
        var promoted = history.Single(e => e.GetProperty("kind").GetString() == "promoted");
        Assert.Contains("blue-green check passed", promoted.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var evidence = promoted.GetProperty("evidence");
        var metric = Assert.Single(Checks(evidence, "passed"), c => c.GetProperty("gate").GetString() == "metric");
        Assert.Equal("roc_auc", metric.GetProperty("subject").GetString());
        Assert.Equal(fixture.RunData, evidence.GetProperty("validation").GetProperty("data").GetProperty("path").GetString());
        Assert.Empty(Checks(evidence, "failed"));
    }

    [Fact]
    public async Task CandidateThatCannotMeetAMetricBound_IsNotSwitched_TheStableKeepsAllTraffic_AndTheHistoryCarriesTheReport()
    {
        var (deployment, history) = await RollOutAsync("bg-metric", new { data = BlueGreenCheckFixture.StoreData, thresholds = new Dictionary<string, double> { ["log_loss"] = 0.000001 } });

        await AssertNotSwitchedAsync("bg-metric", deployment, history);
        var failed = history.Single(e => e.GetProperty("kind").GetString() == "failed");
        Assert.Contains("keel validate's gates failed", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var check = Assert.Single(Checks(failed.GetProperty("evidence"), "failed"));
        Assert.Equal(("metric", "log_loss"), (check.GetProperty("gate").GetString(), check.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task CandidateGivenDataWhoseSchemaItRefuses_IsNotSwitched_AndTheHistoryNamesTheMissingColumn()
    {
        var (deployment, history) = await RollOutAsync("bg-schema", new { data = BlueGreenCheckFixture.NarrowData });

        await AssertNotSwitchedAsync("bg-schema", deployment, history);
        var failed = history.Single(e => e.GetProperty("kind").GetString() == "failed");
        var schema = Checks(failed.GetProperty("evidence"), "failed").Where(c => c.GetProperty("gate").GetString() == "schema").ToList();
        Assert.Contains(schema, c => c.GetProperty("subject").GetString() == "mean_radius");
    }

    [Fact]
    public async Task CandidateWhoseCheckDataIsNotInTheStore_IsNotSwitched_AndTheHistorySaysWhy()
    {
        var (deployment, history) = await RollOutAsync("bg-nodata", new { data = "mlflow-artifacts:/check-data/nowhere.csv" });

        await AssertNotSwitchedAsync("bg-nodata", deployment, history);
        var failed = history.Single(e => e.GetProperty("kind").GetString() == "failed");
        Assert.Contains("could not run", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", failed.GetProperty("evidence").GetProperty("validation").GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task CandidateWhoseCheckDataIsNotATable_IsNotSwitched_RatherThanRetriedForever()
    {
        var (deployment, history) = await RollOutAsync("bg-garbage", new { data = BlueGreenCheckFixture.GarbageData });

        await AssertNotSwitchedAsync("bg-garbage", deployment, history);
        var failed = history.Single(e => e.GetProperty("kind").GetString() == "failed");
        Assert.Contains("could not run", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyRefusesAChecksFieldNamingALocalPath_AndNothingChanges()
    {
        var created = await fixture.Client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec = Spec("bg-refused", "1", null) });
        Assert.True(created.Status == 200, created.Body);

        var applied = await fixture.Client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = Spec("bg-refused", "2", new { data = "/etc/passwd" }) });

        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (applied.Status, applied.ErrorCode));
        Assert.Contains("the server reads only its artifact store", applied.Body, StringComparison.Ordinal);
        var deployment = (await fixture.Client.ApiGetAsync("/api/2.0/keel/deployments/get?name=bg-refused"))["deployment"];
        Assert.Equal(("1", "idle"), (deployment.GetProperty("stable_version").GetString(), deployment.GetProperty("state").GetString()));
    }
}
