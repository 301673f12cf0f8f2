using Keel.Server.Serving;

namespace Keel.Server.Tests.Serving;

/// <summary>Generations and leases: a replaced generation lives until its last lease ends, then is disposed.</summary>
[Collection(HotSwapCollection.Name)]
public sealed class GenerationLeaseTests(HotSwapFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-leases-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Publish_WhileALeaseIsOpen_OldGenerationServesItUntilReturnedThenIsDisposed()
    {
        var registry = new ServedModelRegistry(Path.Combine(_folder, "cache"));
        var v1 = await LoadOwnedCopyAsync("m", fixture.V1Package);
        registry.Publish(v1);
        Assert.Equal(1, v1.Generation);

        Assert.True(registry.TryAcquire("m", out var lease));
        Assert.Same(v1, lease.Model);
        Assert.Equal(1, v1.ActiveLeases);

        var v2 = await LoadOwnedCopyAsync("m", fixture.V2Package);
        registry.Publish(v2);
        Assert.Equal(2, v2.Generation);

        // The open lease still scores on v1, which is retired but not disposed.
        Assert.True(v1.IsRetired);
        Assert.False(v1.IsDisposed);
        Assert.True(Directory.Exists(v1.PackageDirectory));
        Assert.Equal(fixture.V1Probability, lease.Model.Predict([fixture.Rows[0]])[0].Probability);

        // New requests get v2.
        Assert.True(registry.TryAcquire("m", out var second));
        using (second)
        {
            Assert.Same(v2, second.Model);
            Assert.Equal(2, second.Generation);
            Assert.Equal(fixture.V2Probability, second.Model.Predict([fixture.Rows[0]])[0].Probability);
        }

        // The last lease on v1 ends: v1 is disposed, its engines released and its package deleted.
        lease.Dispose();
        lease.Dispose();
        Assert.True(v1.IsDisposed);
        Assert.Equal(0, v1.EnginePoolSize);
        Assert.False(Directory.Exists(v1.PackageDirectory));
        Assert.False(v2.IsDisposed);
        Assert.True(registry.TryGetStatus("m", out var status));
        Assert.Equal("m", status.Name);
    }

    [Fact]
    public async Task Remove_WhileALeaseIsOpen_DisposesWhenTheLeaseEnds()
    {
        var registry = new ServedModelRegistry(Path.Combine(_folder, "cache"));
        var v1 = await LoadOwnedCopyAsync("m", fixture.V1Package);
        registry.Publish(v1);
        Assert.True(registry.TryAcquire("m", out var lease));

        Assert.True(registry.Remove("m"));
        Assert.False(registry.TryAcquire("m", out _));
        Assert.False(v1.IsDisposed);

        lease.Dispose();
        Assert.True(v1.IsDisposed);
        Assert.False(Directory.Exists(v1.PackageDirectory));
    }

    [Fact]
    public async Task PublishingTheSameGenerationTwice_IsRefusedUnlessItIsCurrent()
    {
        var registry = new ServedModelRegistry(Path.Combine(_folder, "cache"));
        var v1 = await ServedModel.LoadAsync("m", fixture.V1Package);
        var v2 = await ServedModel.LoadAsync("m", fixture.V2Package);
        registry.Publish(v1);
        registry.Publish(v1);
        Assert.Equal(1, v1.Generation);
        registry.Publish(v2);
        Assert.Throws<InvalidOperationException>(() => registry.Publish(v1));
    }

    [Fact]
    public async Task AcquireDuringRepeatedSwaps_NeverFailsAndNeverSeesADisposedGeneration()
    {
        var registry = new ServedModelRegistry(Path.Combine(_folder, "cache"));
        var packages = new[] { fixture.V1Package, fixture.V2Package };
        var generations = new List<ServedModel>();
        var first = await ServedModel.LoadAsync("m", packages[0]);
        registry.Publish(first);
        generations.Add(first);

        using var stop = new CancellationTokenSource();
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long scored = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!registry.TryAcquire("m", out var lease))
                {
                    problems.Enqueue("no generation served");
                    continue;
                }

                using (lease)
                {
                    if (lease.Model.IsDisposed)
                    {
                        problems.Enqueue($"generation {lease.Generation} leased after disposal");
                    }

                    var p = lease.Model.Predict([fixture.Rows[0]])[0].Probability;
                    if (p != fixture.V1Probability && p != fixture.V2Probability)
                    {
                        problems.Enqueue($"unexpected probability {p}");
                    }

                    Interlocked.Increment(ref scored);
                }
            }
        })).ToArray();

        for (var i = 1; i <= 6; i++)
        {
            var next = await ServedModel.LoadAsync("m", packages[i % 2]);
            registry.Publish(next);
            generations.Add(next);

            // Let the workers lease the new generation a while before the next swap (polled, not slept).
            var target = Interlocked.Read(ref scored) + 50;
            await HotSwapFixture.WaitForAsync(() => Task.FromResult(Interlocked.Read(ref scored) >= target), "50 more predictions");
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(problems);
        Assert.True(scored > 0);
        Assert.Equal(Enumerable.Range(1, 7).Select(g => (long)g), generations.Select(g => g.Generation));
        Assert.All(generations[..^1], g => Assert.True(g.IsDisposed, $"generation {g.Generation} not disposed"));
        Assert.False(generations[^1].IsDisposed);
    }

    /// <summary>A generation loaded from a copy of <paramref name="package"/> that it owns (deletes when disposed), as registry downloads are.</summary>
    private async Task<ServedModel> LoadOwnedCopyAsync(string name, string package)
    {
        var copy = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(package))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var model = await ServedModel.LoadAsync(name, copy);
        model.OwnDirectory(copy);
        return model;
    }
}
