using Keel.Core.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Tests.Replicas;

public abstract partial class ReplicaTests
{
    [Fact]
    public async Task ThirtyTwoConcurrentVersionCreates_SpreadOverTheReplicas_GetUniqueGapFreeNumbersOneToThirtyTwo()
    {
        var (backend, cluster) = await StartAsync();
        await using var _ = backend;
        await using var __ = cluster;
        const string model = "numbered";
        using var client = cluster.CreateClient();
        await client.CreateRegisteredModelAsync(model, null, null, new Actor("test"));
        var experiment = await client.CreateExperimentAsync("numbered");
        var run = (await client.CreateRunAsync(experiment)).Info.RunId;

        using var start = new SemaphoreSlim(0);
        var creates = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            return (await client.CreateModelVersionAsync(new CreateModelVersionCommand(model, $"runs:/{run}/model-{i}", run, null, null, null, null), new Actor("test"))).Version;
        })).ToList();
        start.Release(32);
        var numbers = await Task.WhenAll(creates);

        Assert.Equal(Enumerable.Range(1, 32), numbers.Select(int.Parse).Order());
        var served = cluster.Balancer.AccessLog().Split('\n')
            .Where(l => l.StartsWith("POST /api/2.0/mlflow/model-versions/create 200 ", StringComparison.Ordinal))
            .Select(l => l.Split(" upstream=")[1].Split(' ')[0])
            .GroupBy(u => u).ToDictionary(g => g.Key, g => g.Count());
        Report("create-model-version requests per replica: " + string.Join(", ", served.Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(32, served.Values.Sum());
        Assert.True(served.Count >= 2, "nginx sent every create to one replica");

        // The store holds the same 32 versions, each with the source its create sent.
        await using var stores = backend.OpenStores();
        var registry = stores.GetRequiredService<IRegistryStore>();
        var stored = (await registry.SearchModelVersionsAsync($"name = '{model}'", 100, null, null)).Items;
        Assert.Equal(Enumerable.Range(1, 32), stored.Select(v => int.Parse(v.Version)).Order());
        Assert.Equal(32, stored.Select(v => v.Source).Distinct().Count());
    }
}
