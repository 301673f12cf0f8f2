using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Client;

public sealed class MetricHistoryClientTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetMetricHistory_PagesOfThree_ReturnEveryObservationInStepOrder()
    {
        using var client = server.CreateClient();
        var experimentId = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("history"), cancellationToken: _ct);
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
        var logged = Enumerable.Range(0, 7).Select(i => new Metric("loss", 1.0 / (i + 1), 1_700_000_000_000 + i, i)).ToList();
        await client.LogBatchAsync(runId, logged.AsEnumerable().Reverse().ToList(), [], [], _ct);

        var first = await client.GetMetricHistoryAsync(runId, "loss", 3, null, _ct);
        var second = await client.GetMetricHistoryAsync(runId, "loss", 3, first.NextPageToken, _ct);
        var all = await client.GetFullMetricHistoryAsync(runId, "loss", pageSize: 3, cancellationToken: _ct);

        Assert.Equal(logged.Take(3), first.Items);
        Assert.Equal(logged.Skip(3).Take(3), second.Items);
        Assert.NotNull(second.NextPageToken);
        Assert.Equal(logged, all);
    }

    [Fact]
    public async Task GetFullMetricHistory_UnknownKey_IsEmpty()
    {
        using var client = server.CreateClient();
        var experimentId = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("history"), cancellationToken: _ct);
        var runId = (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;

        Assert.Empty(await client.GetFullMetricHistoryAsync(runId, "never-logged", cancellationToken: _ct));
    }

    [Fact]
    public async Task GetMetricHistory_UnknownRun_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetMetricHistoryAsync(new string('f', 32), "loss", 10, null, _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }
}
