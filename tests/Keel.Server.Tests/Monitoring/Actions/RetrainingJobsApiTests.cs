using Keel.Client;
using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Monitoring.Actions;

/// <summary>
/// <c>GET monitoring/retraining/list|get</c> and the client's methods over them: a real retraining
/// started by an alert action, read back with its state, alert, pipeline, run id, version and gate verdict.
/// </summary>
public sealed class RetrainingJobsApiTests(RetrainFixture fixture) : IClassFixture<RetrainFixture>
{
    private const string Api = "/api/2.0/keel/monitoring/retraining/";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetrainingStartedByAnAlert_IsListedAndRead_WithItsAlertPipelineRunVersionAndGateVerdict()
    {
        var model = await fixture.Factory.ModelAsync(1);
        var pipeline = fixture.Pipeline(model, "log_loss: {max: 0.0001}");
        var outcome = await fixture.Factory.Service<IAlertActionRunner>().RunAsync(
            ActionRig.Alert(model, "1", null, null), new AlertAction { Kind = AlertActionKinds.Retrain, Pipeline = pipeline }, _ct);
        Assert.True(outcome.Succeeded, outcome.Message);
        var ended = await fixture.Factory.Service<RetrainingQueue>().WaitAsync(outcome.Reference!, _ct).WaitAsync(Deadline, _ct);
        Assert.Equal(RetrainingStates.GatesFailed, ended.State);

        using var http = fixture.Factory.CreateClient();
        var list = await http.ApiGetAsync($"{Api}list?model={model}");
        var get = await http.ApiGetAsync($"{Api}get?id={outcome.Reference}");
        var none = await http.ApiGetAsync($"{Api}list?model={model}&state=passed");

        Assert.True(list.Status == 200, list.Body);
        var listed = Assert.Single(list["jobs"].EnumerateArray());
        Assert.Equal(
            (outcome.Reference, model, RetrainingStates.GatesFailed, ended.RunId, "2"),
            (listed.GetProperty("id").GetString(), listed.GetProperty("model").GetString(), listed.GetProperty("state").GetString(), listed.GetProperty("run_id").GetString(), listed.GetProperty("version").GetString()));
        Assert.StartsWith("failed", listed.GetProperty("gate_status").GetString(), StringComparison.Ordinal);
        Assert.Contains("drift-too-high", listed.GetProperty("alert").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(pipeline, listed.GetProperty("pipeline").GetString(), StringComparison.Ordinal);
        Assert.True(get.Status == 200, get.Body);
        Assert.Equal(listed.GetRawText(), get["job"].GetRawText());
        Assert.Empty(none["jobs"].EnumerateArray());

        using var client = new KeelClient(fixture.Factory.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 });
        Assert.Equal(ended, Assert.Single(await client.ListRetrainingJobsAsync(model, cancellationToken: _ct)));
        Assert.Equal(ended, await client.GetRetrainingJobAsync(outcome.Reference!, _ct));
        var missing = await Assert.ThrowsAsync<KeelException>(() => client.GetRetrainingJobAsync("retrain-nope", _ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);
        var bad = await Assert.ThrowsAsync<KeelException>(() => client.ListRetrainingJobsAsync(state: "exploded", cancellationToken: _ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, bad.Code);
    }
}
