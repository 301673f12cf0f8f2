using System.Globalization;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Storage;
using Keel.Server.Deployments.Controller;
using Keel.Server.Monitoring;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Tests.Replicas;

public abstract partial class ReplicaTests
{
    /// <summary>The leases one replica among many holds, and what its log says when it takes each.</summary>
    private static readonly (string Lease, string TakenLog)[] Leases =
    [
        (DeploymentControllerOptions.LeaseName, "Deployment controller {0} took the lease"),
        (RollingCoordinator.LeaseName, "Rolling coordinator {0}: lease held True"),
        (MonitoringSchedulerOptions.LeaseName, "Monitoring scheduler {0} took the lease"),
    ];

    [Fact]
    public async Task ExactlyOneDeploymentControllerRollingCoordinatorAndMonitoringScheduler_Act_AndAfterTheHolderIsKilledAnotherTakesOverWithinLeaseDurationPlusATick()
    {
        var (backend, cluster) = await StartAsync();
        await using var _ = backend;
        await using var __ = cluster;
        const string model = "leased";
        using (var client = cluster.CreateClient())
        {
            await Models.RegisterAsync(client, model);

            // A rolling deployment gives all three something to look after (the monitoring scheduler watches deployed models).
            await client.CreateDeploymentAsync(
                new DeploymentSpec { Name = "leased", Model = model, Version = "1", Strategy = "rolling", Alias = "leased", Rolling = new RollingPolicy { Bake = "500ms", ReadyTimeout = "60s", HeartbeatTimeout = "5s" } },
                new Actor("test"));
        }

        await using var stores = backend.OpenStores();
        var leases = stores.GetRequiredService<ILeaseStore>();
        var holders = await HoldersAsync(leases, cluster, "every lease held by a live replica");

        // Over three lease durations, each lease stays with its one holder, and only that replica ever took it.
        var watchedUntil = DateTimeOffset.UtcNow + (LeaseDuration * 3);
        while (DateTimeOffset.UtcNow < watchedUntil)
        {
            foreach (var (lease, _) in Leases)
            {
                var now = await leases.GetLeaseAsync(lease);
                Assert.Equal(holders[lease].Holder, now?.Holder);
            }

            await Task.Delay(Tick, TestContext.Current.CancellationToken);
        }

        foreach (var (lease, taken) in Leases)
        {
            var parts = taken.Split("{0}");
            var tookIt = cluster.Replicas.Where(r => r.Output.Split('\n').Any(l => l.Contains(parts[0], StringComparison.Ordinal) && l.Contains(parts[1], StringComparison.Ordinal))).ToList();
            var holder = cluster.Replicas[holders[lease].Replica];
            Assert.True(tookIt.Count == 1 && tookIt[0] == holder, $"{lease}: {tookIt.Count} replicas logged taking it:\n{string.Join("\n----\n", cluster.Replicas.Select(r => r.Output))}");
            Assert.Contains(string.Format(CultureInfo.InvariantCulture, taken, holders[lease].Holder), holder.Output);
        }

        // Kill the deployment controller's holder with -9: it releases nothing.
        var victim = holders[DeploymentControllerOptions.LeaseName].Replica;
        var lastSeen = holders.Where(h => h.Value.Replica == victim).ToDictionary(h => h.Key, h => h.Value.Lease);
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await cluster.KillAsync(victim);

        var after = await HoldersAsync(leases, cluster, "every lease held by a live replica after the kill", seconds: 30, exclude: victim);
        foreach (var (lease, dead) in lastSeen)
        {
            var taken = after[lease].Lease;
            Assert.NotEqual(victim, after[lease].Replica);

            // Never two holders at once: the new one took it only once the dead one's lease had expired (as last
            // seen; a renewal after that sample only moves the expiry later)...
            Assert.True(taken.AcquiredAt >= dead.ExpiresAt, $"{lease}: taken at {taken.AcquiredAt}, before the dead holder's lease expired at {dead.ExpiresAt}");

            // ...and within a lease duration plus a tick of the kill (plus scheduling slack on this loaded machine).
            var takeover = TimeSpan.FromMilliseconds(taken.AcquiredAt - killedAt);
            Report($"{lease}: held by replica {victim}, killed; replica {after[lease].Replica} took over {takeover.TotalMilliseconds:F0} ms after the kill (lease {LeaseDuration.TotalMilliseconds} ms, tick {Tick.TotalMilliseconds} ms)");
            Assert.True(takeover <= LeaseDuration + Tick + TimeSpan.FromSeconds(2), $"{lease}: takeover took {takeover}");
        }

        foreach (var lease in Leases.Select(l => l.Lease).Where(l => !lastSeen.ContainsKey(l)))
        {
            // A lease the killed replica did not hold stays where it was.
            Assert.Equal(holders[lease].Holder, after[lease].Holder);
        }
    }

    /// <summary>Waits until each lease is held (unexpired) by a live replica other than <paramref name="exclude"/>, and returns who holds it.</summary>
    private static async Task<Dictionary<string, (string Holder, int Replica, ControllerLease Lease)>> HoldersAsync(ILeaseStore leases, ReplicaCluster cluster, string what, double seconds = 60, int exclude = -1)
    {
        var found = new Dictionary<string, (string Holder, int Replica, ControllerLease Lease)>();
        await WaitForAsync(
            async () =>
            {
                found.Clear();
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var (lease, _) in Leases)
                {
                    var held = await leases.GetLeaseAsync(lease);
                    var replica = held is null ? -1 : cluster.IndexOfProcess(ProcessOf(held.Holder));
                    if (held is null || held.ExpiresAt <= now || replica < 0 || replica == exclude)
                    {
                        return false;
                    }

                    found[lease] = (held.Holder, replica, held);
                }

                return true;
            },
            what,
            seconds,
            () => string.Join("; ", Leases.Select(l => l.Lease + ": " + (found.TryGetValue(l.Lease, out var f) ? f.Holder : "not held"))));
        return found;
    }

    /// <summary>The process id in a holder name (<c>machine:pid:guid</c>).</summary>
    private static int ProcessOf(string holder) => int.Parse(holder.Split(':')[^2], CultureInfo.InvariantCulture);
}
