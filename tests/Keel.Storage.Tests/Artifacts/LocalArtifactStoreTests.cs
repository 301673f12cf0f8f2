using Keel.Core.Artifacts;
using Keel.Storage.Artifacts;

namespace Keel.Storage.Tests.Artifacts;

/// <summary>The artifact-store compliance suite on a local folder, and what only a folder has.</summary>
public sealed class LocalArtifactStoreTests : ArtifactStoreComplianceTests
{
    private readonly TempFolder _temp = new();

    private string Root => _temp.Combine("artifacts");

    protected override Task<IArtifactStore> CreateStoreAsync() => Task.FromResult<IArtifactStore>(new LocalArtifactStore(Root));

    protected override Task<IReadOnlyList<string>> ItemsOutsideRootAsync() =>
        Task.FromResult<IReadOnlyList<string>>(
            [.. Directory.EnumerateFileSystemEntries(_temp.Path, "*", SearchOption.AllDirectories)
                .Where(p => p != Root && !p.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))]);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public void RootUri_IsFileUriOfTheFolder() =>
        Assert.Equal(new Uri(Root).AbsoluteUri, Store.RootUri);

    [Fact]
    public void Open_FolderOrFileUri_IsALocalStore()
    {
        Assert.IsType<LocalArtifactStore>(ArtifactStores.Open(Root));
        Assert.Equal(new Uri(Root).AbsoluteUri, ArtifactStores.Open(new Uri(Root).AbsoluteUri).RootUri);
    }
}
