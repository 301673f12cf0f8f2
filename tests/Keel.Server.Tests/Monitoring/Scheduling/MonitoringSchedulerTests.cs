using Keel.Core.Monitoring;
using Keel.Core.Storage;
using Keel.Server.Monitoring;
using Keel.Server.Tests.Serving;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.Tests.Monitoring.Scheduling;

/// <summary>The monitoring scheduler on the fixture's store and fake clock, driven tick by tick (or as the hosted loop).</summary>
[Collection(MonitorCollection.Name)]
public sealed class MonitoringSchedulerTests(MonitorFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(MonitorSpecValidator.DefaultIntervalSeconds);

    [Fact]
    public async Task Scheduler_RunsADefaultMonitorOfAServedModel_OnceEveryInterval()
    {
        var ct = TestContext.Current.CancellationToken;
        Fresh();
        using var scheduler = Scheduler(new PredictionTrafficCounter());
        await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, 0, "tick-0");
        await fixture.FlushAsync();

        await scheduler.TickAsync(ct);
        Assert.Equal(0, scheduler.Passes); // A model first seen is due one interval later.
        fixture.Time.Advance(Interval - TimeSpan.FromSeconds(1));
        await scheduler.TickAsync(ct);
        Assert.Equal(0, scheduler.Passes);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await scheduler.TickAsync(ct);
        Assert.Equal(1, scheduler.Passes);
        var end = fixture.NowMs;
        var windows = await fixture.Store.ListWindowsAsync(new MonitorWindowQuery(MonitorFixture.Model, FromMs: end - 1), ct);
        Assert.Equal(1, Assert.Single(windows.Items, w => w.Deployment is null).Requests);

        await scheduler.TickAsync(ct);
        fixture.Time.Advance(Interval / 2);
        await scheduler.TickAsync(ct);
        Assert.Equal(1, scheduler.Passes);
        fixture.Time.Advance(Interval / 2);
        await scheduler.TickAsync(ct);
        Assert.Equal(2, scheduler.Passes);
    }

    [Fact]
    public async Task Scheduler_RunsAMonitorOnceEveryPredictionsWereLogged_BetweenItsScheduledPasses()
    {
        var ct = TestContext.Current.CancellationToken;
        Fresh();
        var counter = fixture.Service<PredictionTrafficCounter>();
        counter.Take(MonitorFixture.Model, counter.Peek(MonitorFixture.Model));
        await fixture.Store.PutMonitorAsync(MonitorSpecValidator.Normalize(new MonitorSpec { Model = MonitorFixture.Model, IntervalSeconds = 3600, EveryPredictions = 20 }), "test", ct);
        try
        {
            using var scheduler = Scheduler(counter);
            await scheduler.TickAsync(ct);
            for (var i = 0; i < 19; i++)
            {
                await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, i, $"every-{i}");
            }

            await fixture.FlushAsync();
            await scheduler.TickAsync(ct);
            Assert.Equal(0, scheduler.Passes);

            await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, 19, "every-19");
            await fixture.FlushAsync();
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await scheduler.TickAsync(ct);
            Assert.Equal(1, scheduler.Passes);
            var windows = await fixture.Store.ListWindowsAsync(new MonitorWindowQuery(MonitorFixture.Model, FromMs: fixture.NowMs - 1), ct);
            Assert.Equal(20, Assert.Single(windows.Items).Requests);

            // The pass took the count: nothing new, no pass.
            await scheduler.TickAsync(ct);
            Assert.Equal(0, counter.Peek(MonitorFixture.Model));
            Assert.Equal(1, scheduler.Passes);
        }
        finally
        {
            await fixture.Store.DeleteMonitorAsync(MonitorFixture.Model, ct);
        }
    }

    [Fact]
    public async Task TwoSchedulersOnOneStore_OnlyTheLeaseHolderRunsTheMonitors()
    {
        var ct = TestContext.Current.CancellationToken;
        Fresh();
        using var first = Scheduler(new PredictionTrafficCounter());
        using var second = Scheduler(new PredictionTrafficCounter());
        await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, 0, "lease-0");
        await fixture.FlushAsync();
        await first.TickAsync(ct);
        await second.TickAsync(ct);
        fixture.Time.Advance(Interval);
        await first.TickAsync(ct);
        await second.TickAsync(ct);

        Assert.True(first.IsLeader ^ second.IsLeader);
        Assert.Equal(1, first.Passes + second.Passes);
        Assert.Equal(1, (first.IsLeader ? first : second).Passes);
        var lease = await fixture.Service<ILeaseStore>().GetLeaseAsync(MonitoringSchedulerOptions.LeaseName, ct);
        Assert.Equal((first.IsLeader ? first : second).Holder, lease!.Holder);
    }

    [Fact]
    public async Task HostedScheduler_RunsWhenTheClockReachesTheInterval_AndGivesItsLeaseUpWhenStopped()
    {
        var ct = TestContext.Current.CancellationToken;
        Fresh();
        using var scheduler = Scheduler(new PredictionTrafficCounter());
        await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, 0, "hosted-0");
        await fixture.FlushAsync();
        await scheduler.StartAsync(ct);
        try
        {
            await HotSwapFixture.WaitForAsync(() => Task.FromResult(scheduler.IsLeader), "the scheduler's first tick");
            Assert.Equal(0, scheduler.Passes);
            await HotSwapFixture.WaitForAsync(
                () =>
                {
                    // The loop waits on the fake clock: move it on until the interval has passed.
                    fixture.Time.Advance(TimeSpan.FromSeconds(1));
                    return Task.FromResult(scheduler.Passes > 0);
                },
                "a scheduled pass");
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }

        Assert.Null(await fixture.Service<ILeaseStore>().GetLeaseAsync(MonitoringSchedulerOptions.LeaseName, ct));
    }

    /// <summary>Moves the clock past every lease and window earlier tests left.</summary>
    private void Fresh() => fixture.Time.Advance(TimeSpan.FromHours(2));

    private MonitoringScheduler Scheduler(PredictionTrafficCounter counter) => new(
        fixture.Runner,
        fixture.Store,
        fixture.Service<ILeaseStore>(),
        fixture.Factory.Services,
        counter,
        new MonitoringSchedulerOptions(),
        fixture.Time,
        NullLogger<MonitoringScheduler>.Instance);
}
