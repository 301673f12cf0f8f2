using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Server.Deployments.Routing;
using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Deployments.Routing;

[Collection(RoutingCollection.Name)]
public sealed class ArmWarmerTests(RoutingFixture fixture)
{
    [Fact]
    public async Task Warm_LoadsAVersionBesideTheArms_AndScoresItsInputExample()
    {
        const string name = "warm-good";
        await fixture.CreateAsync(name, strategy: "blue_green", steps: []);
        var deployment = await fixture.Service<IDeploymentStore>().GetAsync(name);
        var warmup = await fixture.Service<IDeploymentArmWarmer>().WarmAsync(deployment, "2");
        Assert.True(warmup.Ready, warmup.Problem);
        Assert.True(warmup.ExampleScored);
        Assert.Null(warmup.Problem);
        Assert.Contains("2", fixture.Service<DeploymentArmHost>().Hosted.Single(h => h.Name == name).Loaded.Keys);

        // Already warm: no second load.
        Assert.Equal(0, (await fixture.Service<IDeploymentArmWarmer>().WarmAsync(deployment, "2")).LoadMilliseconds);
    }

    [Fact]
    public async Task Warm_ReportsAVersionThatCannotLoad_AsNotReady_AndTheStableVersionKeepsAnswering()
    {
        const string name = "warm-corrupt";
        await fixture.CreateAsync(name, strategy: "blue_green", steps: []);
        var deployment = await fixture.Service<IDeploymentStore>().GetAsync(name);
        var warmup = await fixture.Service<IDeploymentArmWarmer>().WarmAsync(deployment, "3");
        Assert.False(warmup.Ready);
        Assert.False(warmup.ExampleScored);
        Assert.Contains("cannot be loaded", warmup.Problem);
        Assert.Equal(("1", DeploymentArms.Stable), ((await fixture.InvokeAsync(name)).Version, (await fixture.InvokeAsync(name)).Arm));

        var missing = await fixture.Service<IDeploymentArmWarmer>().WarmAsync(deployment, "99");
        Assert.False(missing.Ready);
    }

    [Fact]
    public async Task Metrics_CountRequestsAndErrorsPerDeploymentArmAndVersion()
    {
        const string name = "metered";
        await fixture.CreateAsync(name);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await fixture.InvokeAsync(name, i)).Status);
        }

        Assert.Equal(400, (await fixture.PostAsync($"/deployments/{name}/invocations", """{"dataframe_records": [{"no_such_column": 1}]}""")).Status);
        var samples = PrometheusText.Samples(await fixture.Client.GetStringAsync("/metrics"));
        Assert.Equal(4, samples[$"keel_deployment_requests_total{{deployment=\"{name}\",arm=\"stable\",version=\"1\"}}"]);
        Assert.Equal(1, samples[$"keel_deployment_request_errors_total{{deployment=\"{name}\",arm=\"stable\",version=\"1\",kind=\"client_error\"}}"]);
        Assert.Equal(4, samples[$"keel_deployment_request_duration_seconds_count{{deployment=\"{name}\",arm=\"stable\",version=\"1\"}}"]);
        var (exitCode, output) = await PrometheusText.PromtoolCheckAsync(await fixture.Client.GetStringAsync("/metrics"));
        Assert.True(exitCode == 0, output);
    }
}
