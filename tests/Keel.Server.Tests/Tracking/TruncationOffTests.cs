using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Tracking;

/// <summary>With <c>Keel:Limits:TruncateLongValues=false</c> (MLflow's <c>MLFLOW_TRUNCATE_LONG_VALUES=false</c>), over-long values are refused.</summary>
public sealed class TruncationOffTests : IDisposable
{
    private readonly KeelApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TruncationOff_LongParamAndTagValues_AreRefused_NothingStored()
    {
        _factory.Settings["Keel:Limits:TruncateLongValues"] = "false";
        using var client = _factory.CreateClient();
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync());

        var param = await client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "long", value = new string('p', 6001) });
        var tag = await client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "long", value = new string('t', 8001) });
        var batch = await client.ApiPostAsync("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "b", value = new string('b', 6001) } } });

        Assert.Equal(("INVALID_PARAMETER_VALUE", "INVALID_PARAMETER_VALUE", "INVALID_PARAMETER_VALUE"), (param.ErrorCode, tag.ErrorCode, batch.ErrorCode));
        var data = (await client.ApiGetAsync($"runs/get?run_id={runId}"))["run"].GetProperty("data");
        Assert.False(data.TryGetProperty("params", out var stored) && stored.GetArrayLength() > 0);
    }
}
