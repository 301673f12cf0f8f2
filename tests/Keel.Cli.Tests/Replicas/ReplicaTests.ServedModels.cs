using System.Diagnostics;

namespace Keel.Cli.Tests.Replicas;

public abstract partial class ReplicaTests
{
    /// <summary>
    /// <c>keel serving add</c> through nginx reaches one replica; every replica serves the model after
    /// its next sync of the served-model store (the follow interval) plus the load. Changing the URI
    /// through nginx moves every replica to the new version; removing it makes every replica answer 404.
    /// </summary>
    [Fact]
    public async Task AServedModelAddedChangedAndRemovedThroughNginx_IsServedChangedAndRemovedOnEveryReplica_WithinTheFollowInterval()
    {
        var (backend, cluster) = await StartAsync();
        await using var _ = backend;
        await using var __ = cluster;
        const string model = "shared";
        using var client = cluster.CreateClient();
        await Models.RegisterAsync(client, model);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        await client.ServeModelAsync("scorer", $"models:/{model}/1");
        var added = await EveryReplicaAsync(http, cluster, "scorer", "1", "serve version 1 of the model added through nginx");

        await client.ServeModelAsync("scorer", $"models:/{model}/2");
        var changed = await EveryReplicaAsync(http, cluster, "scorer", "2", "serve version 2 after the URI changed through nginx");

        await client.StopServingAsync("scorer");
        var removed = await EveryReplicaAsync(http, cluster, "scorer", null, "answer 404 after the removal through nginx");

        Report($"follow interval {FollowInterval.TotalMilliseconds} ms; every replica served the added model after {Ms(added)}, the changed one after {Ms(changed)}, answered 404 after {Ms(removed)}");

        // One interval to notice plus the download, load and warm-up (off the request path), which on this loaded 2-core machine can take a few seconds.
        Assert.All(added.Concat(changed).Concat(removed), t => Assert.True(t < FollowInterval + TimeSpan.FromSeconds(10), $"converged after {t}"));
        foreach (var replica in cluster.Replicas)
        {
            using var direct = Direct(replica.Address);
            Assert.DoesNotContain("scorer", (await direct.ListServedModelsAsync()).Select(m => m.Name));
        }
    }

    /// <summary>Polls every replica directly until each answers <paramref name="version"/> (null: 404) for <paramref name="name"/>; returns how long each took.</summary>
    private async Task<TimeSpan[]> EveryReplicaAsync(HttpClient http, ReplicaCluster cluster, string name, string? version, string what)
    {
        var since = Stopwatch.StartNew();
        var after = new TimeSpan[cluster.Replicas.Count];
        var pending = Enumerable.Range(0, cluster.Replicas.Count).ToHashSet();
        await WaitForAsync(
            async () =>
            {
                foreach (var i in pending.ToList())
                {
                    if (await AnswersAsync(http, cluster.Replicas[i].Address, name, version))
                    {
                        after[i] = since.Elapsed;
                        pending.Remove(i);
                    }
                }

                return pending.Count == 0;
            },
            $"every replica to {what}",
            seconds: 30,
            () => string.Join('\n', cluster.Replicas.Select(r => r.Output)));
        return after;
    }

    private async Task<bool> AnswersAsync(HttpClient http, Uri address, string name, string? version)
    {
        if (version is not null)
        {
            return await ServedVersionAsync(http, address, name) == version;
        }

        using var content = new StringContent(Models.Body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(address, $"serving/{name}/invocations"), content);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound;
    }

    private static string Ms(TimeSpan[] times) => string.Join(", ", times.Select(t => $"{t.TotalMilliseconds:F0} ms"));
}
