using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring.Actions;

/// <summary>Builds models, deployments and alerts on a real server's stores for the action tests.</summary>
internal static class ActionRig
{
    public static readonly Actor Alice = new("alice", "test setup");

    public static T Service<T>(this KeelApiFactory factory)
        where T : notnull => factory.Services.GetRequiredService<T>();

    /// <summary>A new registered model with <paramref name="versions"/> versions (sources in the artifact store; nothing is served).</summary>
    public static async Task<string> ModelAsync(this KeelApiFactory factory, int versions, string? name = null)
    {
        name ??= "m-" + Guid.NewGuid().ToString("N")[..8];
        var client = factory.CreateClient();
        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name })).Status);
        for (var i = 0; i < versions; i++)
        {
            var created = await client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/{i}" });
            Assert.True(created.Status == 200, created.Body);
        }

        return name;
    }

    /// <summary>A canary spec on <paramref name="version"/>: 10% then a manual pause, so a rollout stays in progress.</summary>
    public static DeploymentSpec Spec(string name, string model, string version, string alias = "production") =>
        JsonSerializer.Deserialize<DeploymentSpec>(
            JsonSerializer.Serialize(new
            {
                name,
                model,
                version,
                strategy = "canary",
                alias,
                steps = new object[] { new { set_weight = 10 }, new { pause = new { } } },
            }),
            KeelJson.Options)!;

    /// <summary>A firing alert on <paramref name="model"/> version <paramref name="version"/>.</summary>
    public static Alert Alert(string model, string version, string? deployment = null, string? arm = null, double value = 0.42, string rule = "drift-too-high") => new()
    {
        Id = 17,
        Key = Core.Monitoring.Alert.MakeKey(model, rule, version, deployment, arm),
        Model = model,
        Rule = rule,
        Kind = AlertRuleKinds.DriftedShare,
        Severity = "critical",
        Version = version,
        Deployment = deployment,
        Arm = arm,
        State = AlertStates.Firing,
        Breaches = 3,
        Value = value,
        Message = "drifted share 0.42 over 0.3 for 3 windows",
        SinceMs = 1_000,
        FiredAtMs = 1_000,
        LastWindowEndMs = 1_000,
        Revision = 2,
    };

    public static async Task<List<RegistryEvent>> EventsAsync(this IRegistryStore registry, string model) =>
        [.. (await registry.ListEventsAsync(new RegistryEventQuery(Name: model))).Items];

    public static async Task<List<DeploymentEvent>> HistoryAsync(this DeploymentService deployments, string name) =>
        [.. (await deployments.HistoryAsync(name, 1000, null)).Items];
}
