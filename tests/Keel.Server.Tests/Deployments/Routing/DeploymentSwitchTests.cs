using System.Collections.Concurrent;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Server.Deployments.Routing;

namespace Keel.Server.Tests.Deployments.Routing;

[Collection(RoutingCollection.Name)]
public sealed class DeploymentSwitchTests(RoutingFixture fixture)
{
    [Fact]
    public async Task Rollback_Promotion_AndRollbackOfAPromotion_ReachTheNextRequestAtOnce()
    {
        const string name = "at-once";
        await fixture.CreateAsync(name);
        await fixture.ApplyAsync(name, "2", steps: [new { set_weight = 100 }, new { pause = new { } }]);
        Assert.Equal(("2", DeploymentArms.Candidate), Routed(await fixture.InvokeAsync(name)));

        await fixture.CommandAsync("promote", name);
        Assert.Equal(("2", DeploymentArms.Stable), Routed(await fixture.InvokeAsync(name)));

        // The previous stable version stayed loaded for the rollback window: no load on the way back.
        Assert.Contains("1", Hosted(name).Loaded.Keys);
        await fixture.CommandAsync("rollback", name);
        Assert.Equal(("1", DeploymentArms.Stable), Routed(await fixture.InvokeAsync(name)));
    }

    [Fact]
    public async Task RollbackOfALiveCandidate_SendsTheNextRequestsToStable()
    {
        const string name = "live-rollback";
        await fixture.CreateAsync(name);
        await fixture.ApplyAsync(name, "2", steps: [new { set_weight = 100 }, new { pause = new { } }]);
        Assert.Equal(("2", DeploymentArms.Candidate), Routed(await fixture.InvokeAsync(name)));
        await fixture.CommandAsync("rollback", name);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(("1", DeploymentArms.Stable), Routed(await fixture.InvokeAsync(name)));
        }
    }

    [Fact]
    public async Task ZeroRollbackWindow_ReleasesThePreviousStableVersionAfterAPromotion()
    {
        const string name = "no-window";
        var traffic = new { rollback_window = "0s" };
        await fixture.CreateAsync(name, traffic: traffic);
        await fixture.InvokeAsync(name);
        await fixture.ApplyAsync(name, "2", traffic: traffic, steps: [new { set_weight = 50 }, new { pause = new { } }]);
        await WaitForAsync(() => Hosted(name).Table?.Candidate is not null, "the candidate to load");
        await fixture.CommandAsync("promote", name);
        await WaitForAsync(() => !Hosted(name).Loaded.ContainsKey("1"), "version 1 to be released");
        Assert.Equal(("2", DeploymentArms.Stable), Routed(await fixture.InvokeAsync(name)));
    }

    [Fact]
    public async Task AChangeWrittenByAnotherProcess_ReachesRoutingThroughThePoll()
    {
        const string name = "polled";
        await fixture.CreateAsync(name);
        await fixture.ApplyAsync(name, "2", steps: [new { set_weight = 0 }, new { pause = new { } }]);
        await fixture.InvokeAsync(name);
        await WaitForAsync(() => Hosted(name).Table?.Candidate is not null, "the candidate to load");

        // Written straight to the store, as another server's controller would: no change feed here.
        var store = fixture.Service<IDeploymentStore>();
        var current = await store.GetAsync(name);
        var written = await store.TryUpdateAsync(current with { CandidateWeight = 100, Revision = current.Revision + 1 }, current.Revision, new DeploymentChange(DeploymentEventKinds.StepAdvanced, current.State, "other-process", "test", null));
        Assert.NotNull(written);
        await WaitForAsync(() => Hosted(name).Table?.Weight == 100, "the poll to see weight 100");
        Assert.Equal(("2", DeploymentArms.Candidate), Routed(await fixture.InvokeAsync(name)));
    }

    [Fact]
    public async Task ConcurrentLoad_ThroughWeightChangesPromotionsAndRollbacks_FailsNoRequest()
    {
        const string name = "no-failures";
        object[] steps = [new { set_weight = 10 }, new { pause = new { } }, new { set_weight = 60 }, new { pause = new { } }];
        await fixture.CreateAsync(name, steps: steps);
        var failures = new ConcurrentQueue<string>();
        var answered = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var i = w;
            while (!stop.IsCancellationRequested)
            {
                var answer = await fixture.InvokeAsync(name, i++);
                Interlocked.Increment(ref answered);
                if (answer.Status != 200 || answer.Version is not ("1" or "2"))
                {
                    failures.Enqueue($"{answer.Status} {answer.Version} {answer.Text}");
                }
            }
        })).ToArray();

        await WaitForAsync(() => Volatile.Read(ref answered) > 20, "the load to start");
        await fixture.ApplyAsync(name, "2", steps: steps); // weight 10
        await WaitForAsync(() => Hosted(name).Table?.Candidate is not null, "the candidate to load");
        await fixture.Service<DeploymentService>().AdvanceAsync(name, new Actor("test"));
        await fixture.CommandAsync("resume", name); // weight 60
        await fixture.CommandAsync("pause", name);
        await fixture.CommandAsync("resume", name);
        await fixture.CommandAsync("promote", name); // 2 is stable
        await fixture.CommandAsync("rollback", name); // back to 1

        var before = Volatile.Read(ref answered);
        await WaitForAsync(() => Volatile.Read(ref answered) > before + 50, "more requests after the last switch");
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
    }

    private HostedDeployment Hosted(string name) => fixture.Service<DeploymentArmHost>().Hosted.Single(h => h.Name == name);

    private static (string?, string?) Routed(Answer answer)
    {
        Assert.Equal(200, answer.Status);
        return (answer.Version, answer.Arm);
    }

    internal static async Task WaitForAsync(Func<bool> condition, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
