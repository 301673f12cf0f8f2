using Keel.Core.Registry;
using Keel.Core.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Tests.Replicas;

public abstract partial class ReplicaTests
{
    [Fact]
    public async Task MixedLoad_ThroughNginx_WhileAReplicaIsKilledWithSigkill_LosesNoAcknowledgedWrite_AndOnlyRequestsInFlightOnTheKilledReplicaFail()
    {
        var (backend, cluster) = await StartAsync();
        await using var _ = backend;
        await using var __ = cluster;
        const string model = "mixed-load";
        string experiment;
        using (var setup = cluster.CreateClient())
        {
            experiment = await setup.CreateExperimentAsync("mixed-load");
            await setup.CreateRegisteredModelAsync(model, null, null, new Actor("test"));
        }

        var load = new MixedLoad(cluster.Address, experiment, model, workers: 6);
        long beforeKill, atKill;
        try
        {
            await WaitForAsync(async () => load.Acknowledged >= 60, "60 writes acknowledged before the kill", detail: () => Failures(load));
            beforeKill = load.Failures.Count;
            atKill = load.Acknowledged;
            await cluster.KillAsync(1);
            await WaitForAsync(async () => load.Acknowledged >= atKill + 60, "60 writes acknowledged after the kill", detail: () => Failures(load));
        }
        finally
        {
            await load.DisposeAsync();
        }

        var killed = cluster.Replicas[1].Address.Authority;
        Report($"{load.Acknowledged} writes acknowledged ({load.Runs.Count} runs, {load.Batches.Count} batches, {load.Tags.Count} tags, {load.Versions.Count} versions), {load.Reads} reads; {load.Failures.Count} failed requests: {Failures(load)}");

        // Every acknowledged write is in the store, read straight from it.
        await using (var stores = backend.OpenStores())
        {
            var tracking = stores.GetRequiredService<ITrackingStore>();
            var registry = stores.GetRequiredService<IRegistryStore>();
            var runs = new Dictionary<string, Run>();
            foreach (var id in load.Runs)
            {
                runs[id] = await tracking.GetRunAsync(id);
                Assert.Equal(experiment, runs[id].Info.ExperimentId);
            }

            foreach (var (run, key, value) in load.Tags.GroupBy(t => (t.RunId, t.Key)).Select(g => g.Last()))
            {
                // Tags of one key are set by one worker one after the other, so the last acknowledged value is the stored one.
                Assert.Contains(new RunTag(key, value), runs[run].Data.Tags);
            }

            foreach (var (run, batches) in load.Batches.GroupBy(b => b.RunId).Select(g => (g.Key, g.Select(b => b.Batch).ToList())))
            {
                var steps = (await tracking.GetMetricHistoryAsync(run, "loss", 25_000, null)).Items.Select(m => (m.Step, m.Value)).ToHashSet();
                foreach (var batch in batches)
                {
                    Assert.All(Enumerable.Range(batch * 10, 5), s => Assert.Contains((s, s / 2.0), steps));
                    Assert.Contains(new Param($"p{batch}", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)), runs[run].Data.Params);
                }
            }

            foreach (var (version, source) in load.Versions)
            {
                Assert.Equal(source, (await registry.GetModelVersionAsync(model, version)).Source);
            }

            Assert.Equal(load.Versions.Count, load.Versions.Select(v => v.Version).Distinct().Count());
        }

        // Only requests that were in flight on the killed replica failed: none before the kill, at most one
        // per worker, each a 502 that nginx sent to the killed replica alone (a POST it had sent is not retried).
        Assert.Equal(0, beforeKill);
        Assert.True(load.Failures.Count <= load.Workers, $"{load.Failures.Count} failures with {load.Workers} workers: {Failures(load)}");
        Assert.All(load.Failures, f => Assert.Contains("HTTP 502", f.Error));
        var failedAtNginx = cluster.Balancer.AccessLog().Split('\n').Where(l => l.Contains(" 502 upstream=", StringComparison.Ordinal)).ToList();
        Assert.Equal(load.Failures.Count, failedAtNginx.Count);
        Assert.All(failedAtNginx, l => Assert.EndsWith($" upstream={killed} upstream_status=502", l));
    }

    private static string Failures(MixedLoad load) => string.Join(" | ", load.Failures.Take(8).Select(f => $"{f.Operation}: {f.Error}"));
}
