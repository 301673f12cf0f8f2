using System.Text;
using System.Text.Json;
using Keel.Client;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Deployments;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Deployments;

public sealed class DeploymentReportApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> ShadowDeploymentAsync()
    {
        var model = "report-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name = model })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name = model, source = $"mlflow-artifacts:/models/{model}/1" })).Status);
        using var content = new StringContent(JsonSerializer.Serialize(new { spec = new { name = model, model, version = "1", strategy = "shadow" } }), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/2.0/keel/deployments/create", content);
        Assert.Equal(200, (int)response.StatusCode);
        return model;
    }

    [Fact]
    public void Server_RegistersTheWindowsAsAnObserver_AndTheAnalysis()
    {
        var windows = factory.Services.GetRequiredService<DeploymentWindows>();
        Assert.Contains(windows, factory.Services.GetServices<IDeploymentObserver>());
        Assert.IsType<DeploymentAnalysis>(factory.Services.GetRequiredService<IDeploymentAnalysis>());
    }

    [Fact]
    public async Task Report_OverRestAndTheClient_ComparesTheArmsOfTheLog_WithErrorsFromTheLogsFailedRequests()
    {
        var name = await ShadowDeploymentAsync();
        var store = factory.Services.GetRequiredService<IPredictionStore>();
        var windows = factory.Services.GetRequiredService<DeploymentWindows>();
        string[] columns = ["x"];
        var records = new List<PredictionLogRecord>();
        for (int i = 0; i < 40; i++)
        {
            string stableLabel = i % 3 == 0 ? "a" : "b", shadowLabel = i < 10 ? "a" : stableLabel;
            foreach (var (arm, label, version) in new[] { (DeploymentArms.Stable, stableLabel, "1"), (DeploymentArms.Shadow, shadowLabel, "1") })
            {
                string outputs = $$"""[{"predicted_label":"{{label}}","probability":0.7}]""";
                records.Add(new PredictionLogRecord($"{name}-{i}", name, version, 1000 + i, 50, 1, columns, $"[[{i}]]", outputs) { Deployment = name, Arm = arm });
                windows.Observe(new DeploymentObservation(name, arm, version, $"{name}-{i}", 1000 + i, 50, false, 1, columns, Encoding.UTF8.GetBytes($"[[{i}]]"), Encoding.UTF8.GetBytes(outputs)));
            }
        }

        // One failed request of the shadow arm, in the log only (this server's windows never saw it):
        // the report counts it, so errors survive a restart and cover every process writing the log.
        records.Add(new PredictionLogRecord($"{name}-x", name, "1", 2000, 50, 1, columns, "[[0]]", "[]") { Deployment = name, Arm = DeploymentArms.Shadow, ErrorCode = "INTERNAL_ERROR" });
        await store.AppendAsync(records);

        var answer = await _client.ApiGetAsync($"/api/2.0/keel/deployments/report?name={name}&from=0&to=5000");
        using var keel = new KeelClient(factory.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 });
        var report = await keel.GetDeploymentReportAsync(name, 0, 5000);

        // Rows 0–9 agree only where the stable version said "a" (i % 3 == 0: 0, 3, 6, 9); rows 10–39 all agree.
        Assert.Equal(200, answer.Status);
        var agreement = answer["report"].GetProperty("comparison").GetProperty("agreement");
        Assert.Equal((34, 40), (agreement.GetProperty("agree").GetInt64(), agreement.GetProperty("total").GetInt64()));
        Assert.Equal(34, report.Comparison!.Agreement!.Agree);
        Assert.Equal(["a", "b"], report.Comparison.Confusion!.Labels);
        Assert.Equal([[14L, 0L], [6L, 20L]], report.Comparison.Confusion.Counts.Select(r => r.ToArray()).ToArray());
        var shadow = report.Arms.Single(a => a.Arm == DeploymentArms.Shadow);
        Assert.Equal((40L, 1L, 41L), (shadow.Requests, shadow.Errors!.Value, shadow.WindowRequests!.Value));
        var stable = report.Arms.Single(a => a.Arm == DeploymentArms.Stable);
        Assert.Equal((40L, 0L, 40L), (stable.Requests, stable.Errors!.Value, stable.WindowRequests!.Value));

        // Without any server's windows (a restarted server, keel deploy report on a local store): the same errors.
        var deployment = await factory.Services.GetRequiredService<DeploymentService>().GetAsync(name);
        var fromLog = await DeploymentReportBuilder.BuildAsync(store, deployment, 0, 5000, windows: null, 0, TestContext.Current.CancellationToken);
        Assert.Equal((1L, 41L), (fromLog.Arms.Single(a => a.Arm == DeploymentArms.Shadow).Errors!.Value, fromLog.Arms.Single(a => a.Arm == DeploymentArms.Shadow).WindowRequests!.Value));
        Assert.Equal(404, (await _client.ApiGetAsync("/api/2.0/keel/deployments/report?name=no-such-deployment")).Status);
    }
}
