using Keel.Core.Artifacts;
using Keel.Storage.Artifacts;

namespace Keel.Storage.Tests.Artifacts;

public sealed class AbandonedUploadSweepTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Temp(string folder, DateTime lastWrite)
    {
        Directory.CreateDirectory(_folder.Combine(folder));
        var path = _folder.Combine(folder, ArtifactPath.TempPrefix + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, "partial");
        File.SetLastWriteTimeUtc(path, lastWrite);
        return path;
    }

    [Fact]
    public async Task Sweep_RemovesOldUploadTempFiles_AndKeepsFreshOnesAndRealFiles()
    {
        var store = new LocalArtifactStore(_folder.Path);
        using (var content = new MemoryStream("kept"u8.ToArray()))
        {
            await store.WriteAsync("1/run/artifacts/model.zip", content);
        }

        var now = DateTime.UtcNow;
        var stale = Temp("1/run/artifacts", now.AddHours(-3));
        var staleDeep = Temp("2/other/artifacts/deep", now.AddDays(-2));
        var fresh = Temp("1/run/artifacts", now.AddMinutes(-5));

        var removed = store.SweepAbandonedUploads(now.AddHours(-1));

        Assert.Equal(2, removed);
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(staleDeep));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(_folder.Combine("1", "run", "artifacts", "model.zip")));
    }

    [Fact]
    public void Sweep_OfAStoreThatWasNeverWritten_RemovesNothing() =>
        Assert.Equal(0, new LocalArtifactStore(_folder.Combine("never")).SweepAbandonedUploads(DateTimeOffset.UtcNow));

    [Fact]
    public void Sweep_DoesNotFollowLinksOutOfTheRoot()
    {
        using var outside = new TempFolder();
        var victim = Path.Combine(outside.Path, ArtifactPath.TempPrefix + "victim");
        File.WriteAllText(victim, "not ours");
        File.SetLastWriteTimeUtc(victim, DateTime.UtcNow.AddDays(-3));
        Directory.CreateDirectory(_folder.Path);
        Directory.CreateSymbolicLink(_folder.Combine("link"), outside.Path);

        Assert.Equal(0, new LocalArtifactStore(_folder.Path).SweepAbandonedUploads(DateTimeOffset.UtcNow));
        Assert.True(File.Exists(victim));
    }

    public void Dispose() => _folder.Dispose();
}
