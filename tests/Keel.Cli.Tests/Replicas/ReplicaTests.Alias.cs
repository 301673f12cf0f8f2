using System.Diagnostics;
using Keel.Core.Registry;

namespace Keel.Cli.Tests.Replicas;

public abstract partial class ReplicaTests
{
    [Fact]
    public async Task AnAliasMovedThroughOneReplica_IsFollowedByEveryReplicasServing_WithinTheFollowInterval()
    {
        var (backend, cluster) = await StartAsync();
        await using var _ = backend;
        await using var __ = cluster;
        const string model = "followed";
        using (var client = cluster.CreateClient())
        {
            await Models.RegisterAsync(client, model);
            await client.SetAliasAsync(model, "champion", "1", new Actor("test"));
        }

        // Every replica serves the alias.
        foreach (var replica in cluster.Replicas)
        {
            using var direct = Direct(replica.Address);
            await direct.ServeModelAsync("champ", $"models:/{model}@champion");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var replica in cluster.Replicas)
        {
            Assert.Equal("1", await ServedVersionAsync(http, replica.Address, "champ"));
        }

        // The alias moves through replica 0; replicas 1 and 2 (and 0) follow on their own.
        using (var first = Direct(cluster.Replicas[0].Address))
        {
            await first.SetAliasAsync(model, "champion", "2", new Actor("test"));
        }

        var moved = Stopwatch.StartNew();
        var followedAfter = new TimeSpan[cluster.Replicas.Count];
        var pending = Enumerable.Range(0, cluster.Replicas.Count).ToHashSet();
        await WaitForAsync(
            async () =>
            {
                foreach (var i in pending.ToList())
                {
                    if (await ServedVersionAsync(http, cluster.Replicas[i].Address, "champ") == "2")
                    {
                        followedAfter[i] = moved.Elapsed;
                        pending.Remove(i);
                    }
                }

                return pending.Count == 0;
            },
            "every replica to serve version 2",
            seconds: 30);

        Report($"follow interval {FollowInterval.TotalMilliseconds} ms; replicas served version 2 after {string.Join(", ", followedAfter.Select(t => $"{t.TotalMilliseconds:F0} ms"))}");

        // One interval to notice plus the new version's download, load and warm-up (off the request path),
        // which on this loaded 2-core machine can take a few seconds.
        Assert.All(followedAfter, t => Assert.True(t < FollowInterval + TimeSpan.FromSeconds(10), $"followed after {t}"));

        // Through nginx only version 2 answers now.
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal("2", await ServedVersionAsync(http, cluster.Address, "champ"));
        }
    }
}
