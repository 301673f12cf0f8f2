using System.Text.Json;
using Keel.Core.Predictions;
using Keel.Server.Deployments.Routing;
using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Deployments.Routing;

[Collection(RoutingCollection.Name)]
public sealed class ShadowMirrorTests(RoutingFixture fixture)
{
    [Fact]
    public async Task Shadow_NeverChangesWhatTheCallerGets_AndLogsBothAnswersUnderOneRequestId()
    {
        const string name = "shadow";
        await fixture.CreateAsync(name, strategy: "shadow");
        await fixture.ApplyAsync(name, "2", strategy: "shadow");
        Assert.Equal(200, (await fixture.InvokeAsync(name)).Status); // takes the deployment in
        await DeploymentSwitchTests.WaitForAsync(() => fixture.Service<DeploymentArmHost>().TableOf(name)?.Candidate is not null, "the shadow candidate to load");

        var mirror = fixture.Service<ShadowMirror>();
        await DeploymentSwitchTests.WaitForAsync(() => mirror.QueueLength == 0, "copies left by other tests to drain");
        var bodies = new List<string>();
        for (var r = 0; r < fixture.Rows.Count; r++)
        {
            bodies.Add(fixture.Body(r));
        }

        bodies.Add(JsonSerializer.Serialize(new { dataframe_split = new { columns = fixture.Columns, data = fixture.Rows.Select(row => fixture.Columns.Select(c => row[c])) } }));
        bodies.Add(JsonSerializer.Serialize(new { dataframe_records = fixture.Rows, @params = new { predict_method = "predict_proba" } }));
        var ids = new List<string>();
        foreach (var (body, i) in bodies.Select((b, i) => (b, i)))
        {
            var id = $"shadow-{i}";
            var droppedBefore = mirror.Dropped;
            var direct = await fixture.PostAsync($"/serving/{RoutingFixture.Direct}/invocations", body);
            var routed = await fixture.PostAsync($"/deployments/{name}/invocations", body, new Dictionary<string, string> { ["X-Request-Id"] = id });
            Assert.Equal(200, routed.Status);
            Assert.Equal(direct.Body, routed.Body);
            Assert.Equal(("1", DeploymentArms.Stable), (routed.Version, routed.Arm));
            ids.Add(id);

            // One at a time, so the queue never fills and every copy is scored. Waiting for this very
            // copy (not for any copy to be scored: another test's leftovers may still be draining).
            await DeploymentSwitchTests.WaitForAsync(
                () => fixture.Observer.Seen.Any(o => o.Observation.RequestId == id && o.Observation.Arm == DeploymentArms.Shadow) || mirror.Dropped > droppedBefore,
                "the shadow copy to be scored");
            Assert.True(mirror.Dropped == droppedBefore, $"the shadow copy of {id} was dropped (queue full)");
        }

        IReadOnlyList<Keel.Core.Predictions.PredictionLogRecord> logged = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((logged = await fixture.LoggedAsync(name)).Count(r => r.Arm == DeploymentArms.Shadow && ids.Contains(r.RequestId)) < ids.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for every shadow answer in the log.");
            await Task.Delay(20);
        }

        foreach (var id in ids)
        {
            var pair = logged.Where(r => r.RequestId == id).OrderBy(r => r.Arm, StringComparer.Ordinal).ToList();
            Assert.Equal([(DeploymentArms.Shadow, "2"), (DeploymentArms.Stable, "1")], pair.Select(r => (r.Arm!, r.ModelVersion)).ToList());
            Assert.Equal(pair[0].InputsJson, pair[1].InputsJson);
        }

        Assert.Equal(ids.Count, fixture.Observer.Seen.Count(o => o.Observation.Deployment == name && ids.Contains(o.Observation.RequestId) && o.Observation.Arm == DeploymentArms.Shadow && !o.Observation.Failed));
    }

    [Fact]
    public async Task ShadowQueue_IsBounded_AndDropsAreCountedInTheMetrics()
    {
        const string name = "shadow-full";
        await fixture.CreateAsync(name, strategy: "shadow");
        await fixture.ApplyAsync(name, "2", strategy: "shadow");
        Assert.Equal(200, (await fixture.InvokeAsync(name)).Status); // takes the deployment in
        await DeploymentSwitchTests.WaitForAsync(() => fixture.Service<DeploymentArmHost>().TableOf(name)?.Candidate is not null, "the shadow candidate to load");
        var mirror = fixture.Service<ShadowMirror>();
        var droppedBefore = mirror.Dropped;
        const int sent = 30;
        fixture.Observer.HoldShadow.Reset(); // the background scorer blocks on its first copy
        try
        {
            for (var i = 0; i < sent; i++)
            {
                Assert.Equal(200, (await fixture.InvokeAsync(name, i)).Status);
            }

            // At most the queue's capacity plus the copy being scored got through.
            Assert.True(mirror.Dropped - droppedBefore >= sent - RoutingFixture.ShadowCapacity - 1, $"dropped {mirror.Dropped - droppedBefore} of {sent}");
            var metrics = PrometheusText.Samples(await fixture.Client.GetStringAsync("/metrics"));
            Assert.Equal(mirror.Dropped - droppedBefore, (long)metrics[$"keel_deployment_shadow_dropped_total{{deployment=\"{name}\"}}"]);
        }
        finally
        {
            fixture.Observer.HoldShadow.Set();
        }

        // Leave the shared fixture as found: the copies that got through are scored before the next test.
        await DeploymentSwitchTests.WaitForAsync(() => mirror.QueueLength == 0, "the shadow queue to drain");
    }
}
