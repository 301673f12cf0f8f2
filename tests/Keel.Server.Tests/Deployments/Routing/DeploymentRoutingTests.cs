using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Server.Deployments.Routing;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Deployments.Routing;

[Collection(RoutingCollection.Name)]
public sealed class DeploymentRoutingTests(RoutingFixture fixture)
{
    [Fact]
    public async Task UnknownDeployment_Is404ResourceDoesNotExist_OnInvocations_AndOpenInference()
    {
        var answer = await fixture.PostAsync("/deployments/no-such-deployment/invocations", fixture.Body());
        Assert.Equal(404, answer.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", JsonDocument.Parse(answer.Body).RootElement.GetProperty("error_code").GetString());
        Assert.Equal(404, (await fixture.PostAsync("/v2/models/no-such-deployment/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1]}]}""")).Status);
        Assert.Equal(404, (await fixture.Client.GetAsync("/v2/models/no-such-deployment")).StatusCode is var s ? (int)s : 0);
    }

    [Fact]
    public async Task CandidateWeight_IsHonouredWithinExactBinomial99PercentBounds()
    {
        const string name = "weights";
        const int n = 3000;
        await fixture.CreateAsync(name);
        await fixture.ApplyAsync(name, "2");
        var candidate = 0;
        for (var batch = 0; batch < n / 25; batch++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => fixture.InvokeAsync(name, i)));
            Assert.All(answers, a => Assert.Equal(200, a.Status));
            candidate += answers.Count(a => a.Arm == DeploymentArms.Candidate);
        }

        var (lo, hi) = Binomial.Bounds(n, 0.10, 0.99);
        Assert.InRange(candidate, lo, hi);
    }

    [Fact]
    public async Task ResponseHeaders_NameTheVersionThatAnswered_AndTheLogRecordsDeploymentArmAndVersion()
    {
        const string name = "headers";
        await fixture.CreateAsync(name);
        await fixture.ApplyAsync(name, "2", steps: [new { set_weight = 50 }, new { pause = new { } }]);
        var direct1 = await fixture.PostAsync($"/serving/{RoutingFixture.Direct}/invocations", fixture.Body());
        var ids = new Dictionary<string, Answer>();
        for (var i = 0; i < 60; i++)
        {
            var id = $"headers-{i}";
            var answer = await fixture.InvokeAsync(name, headers: new Dictionary<string, string> { ["X-Request-Id"] = id });
            Assert.Equal(200, answer.Status);
            Assert.Equal(answer.Arm == DeploymentArms.Stable ? "1" : "2", answer.Version);
            Assert.Equal(answer.Arm == DeploymentArms.Stable, answer.Probability == direct1.Probability);
            ids[id] = answer;
        }

        Assert.Contains(ids.Values, a => a.Arm == DeploymentArms.Stable);
        Assert.Contains(ids.Values, a => a.Arm == DeploymentArms.Candidate);
        var logged = (await fixture.LoggedAsync(name)).ToDictionary(r => r.RequestId);
        foreach (var (id, answer) in ids)
        {
            var record = logged[id];
            Assert.Equal((RoutingFixture.Model, answer.Version, name, answer.Arm), (record.ModelName, record.ModelVersion, record.Deployment, record.Arm));
        }

        var observed = fixture.Observer.Seen.Where(o => o.Observation.Deployment == name).ToList();
        Assert.Equal(ids.Count, observed.Count);
        Assert.All(observed, o => Assert.Equal((ids[o.Observation.RequestId].Arm, ids[o.Observation.RequestId].Version, false), (o.Observation.Arm, o.Observation.Version, o.Observation.Failed)));
    }

    [Fact]
    public void Bucket_IsXxHash3OfTheKeysUtf8_SoEveryProcessAgrees()
    {
        // XXH3-64 of the empty input with seed 0 is 0x2D06800538D394C2 (the xxHash reference vector).
        Assert.Equal((int)(0x2D06800538D394C2UL % 100), ArmRouter.Bucket(string.Empty));
        Assert.Equal(ArmRouter.Bucket("customer-42"), ArmRouter.Bucket(new string("customer-42".ToCharArray())));
    }

    [Fact]
    public async Task HeaderRoutingKey_KeepsEachEntityOnOneArm_AndARaisedWeightOnlyMovesEntitiesToTheCandidate()
    {
        const string name = "sticky-header";
        var traffic = new { routing_key = new { header = "X-Customer" } };
        object[] steps = [new { set_weight = 30 }, new { pause = new { } }, new { set_weight = 70 }, new { pause = new { } }];
        await fixture.CreateAsync(name, traffic: traffic, steps: steps);
        await fixture.ApplyAsync(name, "2", traffic: traffic, steps: steps);

        var first = await ArmsByCustomerAsync(name);
        Assert.Contains(first.Values, a => a == DeploymentArms.Stable);
        Assert.Contains(first.Values, a => a == DeploymentArms.Candidate);
        Assert.All(first, p => Assert.Equal(ArmRouter.Bucket(p.Key) < 30 ? DeploymentArms.Candidate : DeploymentArms.Stable, p.Value));

        await fixture.Service<DeploymentService>().AdvanceAsync(name, new Actor("test"));
        await fixture.CommandAsync("resume", name); // the manual pause ends: set_weight 70
        var second = await ArmsByCustomerAsync(name);
        Assert.All(first.Where(p => p.Value == DeploymentArms.Candidate), p => Assert.Equal(DeploymentArms.Candidate, second[p.Key]));
        Assert.True(second.Count(p => p.Value == DeploymentArms.Candidate) > first.Count(p => p.Value == DeploymentArms.Candidate));
    }

    private async Task<Dictionary<string, string>> ArmsByCustomerAsync(string name)
    {
        var arms = new Dictionary<string, string>();
        for (var c = 0; c < 40; c++)
        {
            var customer = $"customer-{c}";
            for (var r = 0; r < 4; r++)
            {
                var answer = await fixture.InvokeAsync(name, r, new Dictionary<string, string> { ["X-Customer"] = customer });
                Assert.Equal(200, answer.Status);
                if (arms.TryGetValue(customer, out var arm))
                {
                    Assert.Equal(arm, answer.Arm);
                }

                arms[customer] = answer.Arm!;
            }
        }

        return arms;
    }

    [Fact]
    public async Task ColumnRoutingKey_KeepsEachRowValueOnOneArm_ByTheFirstRowsKey()
    {
        const string name = "sticky-column";
        var column = fixture.Columns[0];
        var traffic = new { routing_key = new { column } };
        object[] steps = [new { set_weight = 50 }, new { pause = new { } }];
        await fixture.CreateAsync(name, traffic: traffic, steps: steps);
        await fixture.ApplyAsync(name, "2", traffic: traffic, steps: steps);

        var rows = fixture.Rows.Count;
        var seen = new Dictionary<string, string>();
        for (var pass = 0; pass < 3; pass++)
        {
            for (var r = 0; r < rows; r++)
            {
                var answer = await fixture.InvokeAsync(name, r);
                var key = fixture.Rows[r][column].GetRawText();
                Assert.Equal(ArmRouter.Bucket(key) < 50 ? DeploymentArms.Candidate : DeploymentArms.Stable, answer.Arm);
                Assert.Equal(seen.TryGetValue(key, out var arm) ? arm : answer.Arm, answer.Arm);
                seen[key] = answer.Arm!;
            }
        }

        // Several rows: the first row's key routes the whole request.
        var body = JsonSerializer.Serialize(new { dataframe_records = fixture.Rows });
        var many = await fixture.PostAsync($"/deployments/{name}/invocations", body);
        Assert.Equal(seen[fixture.Rows[0][column].GetRawText()], many.Arm);
        Assert.Equal(rows, JsonDocument.Parse(many.Body).RootElement.GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task OpenInference_AnswersForADeployment_WithHeaders_MetadataAndReadiness_AndAServedModelOfTheSameNameWins()
    {
        const string name = "oip";
        await fixture.CreateAsync(name);
        var infer = JsonSerializer.Serialize(new
        {
            id = "oip-1",
            inputs = fixture.Columns.Select(c => new { name = c, shape = new[] { 1 }, datatype = "FP64", data = new[] { fixture.Rows[0][c] } }),
        });
        var answer = await fixture.PostAsync($"/v2/models/{name}/infer", infer);
        Assert.True(answer.Status == 200, answer.Text);
        Assert.Equal(("1", DeploymentArms.Stable), (answer.Version, answer.Arm));
        var root = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal((name, "1", "oip-1"), (root.GetProperty("model_name").GetString(), root.GetProperty("model_version").GetString(), root.GetProperty("id").GetString()));

        var metadata = await fixture.Client.ApiGetAsync($"/v2/models/{name}");
        Assert.Equal(200, metadata.Status);
        Assert.Equal(fixture.Columns.Length, metadata["inputs"].GetArrayLength());
        Assert.Equal(200, (int)(await fixture.Client.GetAsync($"/v2/models/{name}/ready")).StatusCode);

        // A bad tensor is Open Inference's error shape.
        var bad = await fixture.PostAsync($"/v2/models/{name}/infer", """{"inputs": [{"name": "x", "shape": [2], "datatype": "FP64", "data": [1]}]}""");
        Assert.Equal(400, bad.Status);
        Assert.True(JsonDocument.Parse(bad.Body).RootElement.TryGetProperty("error", out _));

        // The served model rt-direct and a deployment rt-direct: the served model answers /v2.
        await fixture.CreateAsync(RoutingFixture.Direct);
        var clash = await fixture.PostAsync($"/v2/models/{RoutingFixture.Direct}/infer", infer);
        Assert.Equal(200, clash.Status);
        Assert.Null(clash.Arm);
        Assert.Equal(DeploymentArms.Stable, (await fixture.InvokeAsync(RoutingFixture.Direct)).Arm);
    }

    [Fact]
    public async Task ErrorAnswers_OfAPickedArm_CarryTheVersionAndArmHeaders_OnInvocationsAndOpenInference()
    {
        const string name = "error-headers";
        await fixture.CreateAsync(name);
        await fixture.ApplyAsync(name, "2", steps: [new { set_weight = 100 }, new { pause = new { } }]);

        // A row without one of the model's columns: the candidate (weight 100) refuses it, and so would the stable version.
        var row = fixture.Rows[0].Where(p => p.Key != fixture.Columns[0]).ToDictionary(p => p.Key, p => p.Value);
        var refused = await fixture.PostAsync($"/deployments/{name}/invocations", JsonSerializer.Serialize(new { dataframe_records = new[] { row } }));
        Assert.True(refused.Status == 400, refused.Text);
        Assert.True(JsonDocument.Parse(refused.Body).RootElement.TryGetProperty("error_code", out _), refused.Text);
        Assert.Equal(("2", DeploymentArms.Candidate), (refused.Version, refused.Arm));

        var bad = await fixture.PostAsync($"/v2/models/{name}/infer", """{"inputs": [{"name": "x", "shape": [2], "datatype": "FP64", "data": [1]}]}""");
        Assert.Equal(400, bad.Status);
        Assert.True(JsonDocument.Parse(bad.Body).RootElement.TryGetProperty("error", out _));
        Assert.Equal(("2", DeploymentArms.Candidate), (bad.Version, bad.Arm));

        // Malformed JSON is refused before any arm is picked: no arm to name.
        var malformed = await fixture.PostAsync($"/v2/models/{name}/infer", "{not json");
        Assert.Equal(400, malformed.Status);
        Assert.Equal((null, null), (malformed.Version, malformed.Arm));
    }
}
