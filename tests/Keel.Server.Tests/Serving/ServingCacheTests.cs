using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Serving;

/// <summary>Package caches are owned by a locked file; those of dead processes are deleted at start, those of live ones kept.</summary>
public sealed class ServingCacheTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("keel-cache-tests-").FullName;

    [Fact]
    public async Task Sweep_DeletesTheCacheOfAServerKilledWithSigkill_AndKeepsTheCacheOfALiveServer()
    {
        var work = Directory.CreateTempSubdirectory("keel-cache-servers-").FullName;
        try
        {
            string killed, live;
            using (var a = await ServerProcess.StartAsync(Directory.CreateDirectory(Path.Combine(work, "a")).FullName, null, $"--Keel:Serving:CacheFolder={_parent}"))
            {
                killed = (await WaitForFoldersAsync(1)).Single();
                await File.WriteAllTextAsync(Path.Combine(killed, "model.zip"), "a downloaded package");
                using var b = await ServerProcess.StartAsync(Directory.CreateDirectory(Path.Combine(work, "b")).FullName, null, $"--Keel:Serving:CacheFolder={_parent}");
                live = (await WaitForFoldersAsync(2)).Single(f => f != killed);
                a.KillHard();

                var deleted = ServingCache.SweepStale(_parent);

                Assert.Equal(1, deleted);
                Assert.False(Directory.Exists(killed));
                Assert.False(File.Exists(killed + ".lock"));
                Assert.True(Directory.Exists(live));
                Assert.True(File.Exists(live + ".lock"));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void Claim_DeletesFoldersWithoutALiveOwner_KeepsLiveAndForeignOnes()
    {
        var orphan = Path.Combine(_parent, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(orphan);
        File.WriteAllText(orphan + ".lock", "pid 999999");
        var unlocked = Path.Combine(_parent, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(unlocked);
        var pending = Path.Combine(_parent, Guid.NewGuid().ToString("N"));
        File.WriteAllText(pending + ".lock.tmp", string.Empty);
        var foreign = Path.Combine(_parent, "not-a-keel-cache");
        Directory.CreateDirectory(foreign);
        using var live = ServingCache.Claim(_parent);

        using var next = ServingCache.Claim(_parent);

        Assert.False(Directory.Exists(orphan));
        Assert.False(File.Exists(orphan + ".lock"));
        Assert.False(Directory.Exists(unlocked));
        Assert.False(File.Exists(pending + ".lock.tmp"));
        Assert.True(Directory.Exists(foreign));
        Assert.True(Directory.Exists(live.Path));
        Assert.True(Directory.Exists(next.Path));
        Assert.NotEqual(live.Path, next.Path);
    }

    [Fact]
    public void Dispose_DeletesTheFolderAndItsLock()
    {
        var cache = ServingCache.Claim(_parent);
        File.WriteAllText(Path.Combine(cache.Path, "model.zip"), "x");

        cache.Dispose();

        Assert.False(Directory.Exists(cache.Path));
        Assert.False(File.Exists(cache.Path + ".lock"));
    }

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private async Task<string[]> WaitForFoldersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var folders = Directory.GetDirectories(_parent);
            if (folders.Length == count)
            {
                return folders;
            }

            Assert.True(DateTime.UtcNow < deadline, $"expected {count} cache folders, found {folders.Length}");
            await Task.Delay(25);
        }
    }
}
