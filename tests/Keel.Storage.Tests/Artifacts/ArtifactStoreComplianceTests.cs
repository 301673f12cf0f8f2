using System.Security.Cryptography;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Tests.Shared;
using ArtifactFileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Storage.Tests.Artifacts;

/// <summary>
/// Every behaviour an <see cref="IArtifactStore"/> must have, whatever holds the bytes (a local
/// folder, an S3 bucket): round trips, one-level listings with sizes, paging, deletes of files and
/// trees, large files through a non-seekable stream, failed uploads, and refusal of unsafe paths with
/// nothing written outside the root.
/// </summary>
public abstract class ArtifactStoreComplianceTests : IAsyncLifetime
{
    /// <summary>The size the large-file test writes: past the multipart threshold a store is created with (see <see cref="CreateStoreAsync"/>).</summary>
    protected const long LargeFileBytes = (12L * 1024 * 1024) + 123;

    protected IArtifactStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A new, empty store. An object store should list in small pages (a few keys) and upload files
    /// over 5 MiB in 5 MiB parts, so the paging and multipart paths are the ones tested.
    /// </summary>
    protected abstract Task<IArtifactStore> CreateStoreAsync();

    /// <summary>Whatever exists next to the root but outside it (files, keys): it must stay empty.</summary>
    protected abstract Task<IReadOnlyList<string>> ItemsOutsideRootAsync();

    public virtual async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task WriteAsync_ThenOpenRead_RoundTripsBytes()
    {
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await Store.WriteAsync("1/run/artifacts/model/model.bin", new MemoryStream(bytes), Ct);

        await using var stream = await Store.OpenReadAsync("1/run/artifacts/model/model.bin", Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task WriteAsync_EmptyFile_RoundTripsAsEmpty()
    {
        await Store.WriteAsync("empty.bin", new MemoryStream([]), Ct);
        Assert.Equal(string.Empty, await ReadText("empty.bin"));
        Assert.Equal([new ArtifactFileInfo("empty.bin", false, 0)], await Store.ListAsync("", Ct));
    }

    [Fact]
    public async Task WriteAsync_ExistingFile_IsReplaced()
    {
        await Store.WriteAsync("a.txt", Text("old content that is longer"), Ct);
        await Store.WriteAsync("a.txt", Text("new"), Ct);
        Assert.Equal("new", await ReadText("a.txt"));
    }

    [Fact]
    public async Task WriteAsync_NamesWithSpacesUnicodeAndPercent_RoundTripAndList()
    {
        const string path = "dir with space/ünïcødé 100%.txt";
        await Store.WriteAsync(path, Text("odd"), Ct);

        Assert.Equal("odd", await ReadText(path));
        Assert.Equal([new ArtifactFileInfo("dir with space", true)], await Store.ListAsync("", Ct));
        Assert.Equal([new ArtifactFileInfo(path, false, 3)], await Store.ListAsync("dir with space", Ct));
    }

    [Fact]
    public async Task ListAsync_ReturnsChildrenWithSizesSortedByPath()
    {
        await Store.WriteAsync("r/b.txt", Text("hello"), Ct);
        await Store.WriteAsync("r/a/inner.txt", Text("x"), Ct);
        await Store.WriteAsync("r/c.bin", new MemoryStream([]), Ct);

        var files = await Store.ListAsync("r", Ct);

        Assert.Equal(
            [new ArtifactFileInfo("r/a", true), new ArtifactFileInfo("r/b.txt", false, 5), new ArtifactFileInfo("r/c.bin", false, 0)],
            files);
        Assert.Equal([new ArtifactFileInfo("r", true)], await Store.ListAsync("", Ct));
        Assert.Equal(files, await Store.ListAsync("./r/", Ct));
    }

    [Fact]
    public async Task ListAsync_NestedDirectories_ListsOneLevelAtATime()
    {
        await Store.WriteAsync("a/b/c/d/deep.txt", Text("deep"), Ct);
        await Store.WriteAsync("a/b/side.txt", Text("s"), Ct);

        Assert.Equal([new ArtifactFileInfo("a/b", true)], await Store.ListAsync("a", Ct));
        Assert.Equal([new ArtifactFileInfo("a/b/c", true), new ArtifactFileInfo("a/b/side.txt", false, 1)], await Store.ListAsync("a/b", Ct));
        Assert.Equal([new ArtifactFileInfo("a/b/c/d", true)], await Store.ListAsync("a/b/c", Ct));
        Assert.Equal([new ArtifactFileInfo("a/b/c/d/deep.txt", false, 4)], await Store.ListAsync("a/b/c/d", Ct));
    }

    [Fact]
    public async Task ListAsync_MoreChildrenThanAPage_ListsEveryOneOnce()
    {
        var expected = new List<ArtifactFileInfo>();
        for (var i = 0; i < 23; i++)
        {
            var name = $"many/f{i:D2}.txt";
            await Store.WriteAsync(name, Text(new string('x', i)), Ct);
            expected.Add(new ArtifactFileInfo(name, false, i));
        }

        for (var i = 0; i < 7; i++)
        {
            await Store.WriteAsync($"many/d{i}/inside.txt", Text("y"), Ct);
            await Store.WriteAsync($"many/d{i}/again.txt", Text("y"), Ct);
            expected.Add(new ArtifactFileInfo($"many/d{i}", true));
        }

        expected.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        Assert.Equal(expected, await Store.ListAsync("many", Ct));
    }

    [Fact]
    public async Task ListAsync_MissingFolderOrFile_IsEmpty()
    {
        Assert.Empty(await Store.ListAsync("", Ct));
        Assert.Empty(await Store.ListAsync("nope/deeper", Ct));
        await Store.WriteAsync("f.txt", Text("x"), Ct);
        Assert.Empty(await Store.ListAsync("f.txt", Ct));
    }

    [Fact]
    public async Task ListAsync_SiblingWithSamePrefix_IsNotListedInside()
    {
        await Store.WriteAsync("model/a.txt", Text("a"), Ct);
        await Store.WriteAsync("model-old/b.txt", Text("b"), Ct);
        await Store.WriteAsync("model.txt", Text("c"), Ct);

        Assert.Equal([new ArtifactFileInfo("model/a.txt", false, 1)], await Store.ListAsync("model", Ct));
    }

    [Fact]
    public async Task OpenReadAsync_Missing_IsResourceDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.OpenReadAsync("missing.txt", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        await Store.WriteAsync("f.txt", Text("x"), Ct);
        error = await Assert.ThrowsAsync<KeelException>(() => Store.OpenReadAsync("f.txt/below", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task OpenReadAsync_Directory_IsInvalidParameter()
    {
        await Store.WriteAsync("d/f.txt", Text("x"), Ct);
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.OpenReadAsync("d", Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task WriteAsync_OverDirectoryOrBelowFile_IsInvalidParameter()
    {
        await Store.WriteAsync("d/f.txt", Text("x"), Ct);
        var overDir = await Assert.ThrowsAsync<KeelException>(() => Store.WriteAsync("d", Text("y"), Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, overDir.Code);
        var belowFile = await Assert.ThrowsAsync<KeelException>(() => Store.WriteAsync("d/f.txt/g.txt", Text("y"), Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, belowFile.Code);
        Assert.Equal("x", await ReadText("d/f.txt"));
        Assert.Equal([new ArtifactFileInfo("d/f.txt", false, 1)], await Store.ListAsync("d", Ct));
    }

    [Fact]
    public async Task WriteAsync_LargeFileFromNonSeekableStream_RoundTripsByteIdentical()
    {
        await Store.WriteAsync("big/data.bin", new GeneratedStream(LargeFileBytes, seed: 42), Ct);

        Assert.Equal([new ArtifactFileInfo("big/data.bin", false, LargeFileBytes)], await Store.ListAsync("big", Ct));
        await using var stream = await Store.OpenReadAsync("big/data.bin", Ct);
        Assert.Equal(GeneratedStream.Sha256Of(LargeFileBytes, seed: 42), await SHA256.HashDataAsync(stream, Ct));
    }

    [Theory]
    [InlineData(1000L)]
    [InlineData(LargeFileBytes)]
    public async Task WriteAsync_SourceFailsMidway_KeepsTheOldFileAndShowsNothingPartial(long failAfter)
    {
        await Store.WriteAsync("keep/model.bin", Text("old"), Ct);

        await Assert.ThrowsAnyAsync<IOException>(() => Store.WriteAsync("keep/model.bin", new GeneratedStream(LargeFileBytes + 10) { FailAfter = failAfter }, Ct));
        await Assert.ThrowsAnyAsync<IOException>(() => Store.WriteAsync("keep/new.bin", new GeneratedStream(LargeFileBytes + 10) { FailAfter = failAfter }, Ct));

        Assert.Equal("old", await ReadText("keep/model.bin"));
        Assert.Equal([new ArtifactFileInfo("keep/model.bin", false, 3)], await Store.ListAsync("keep", Ct));
    }

    [Fact]
    public async Task DeleteAsync_FileAndTree_RemovesThem()
    {
        await Store.WriteAsync("d/f.txt", Text("x"), Ct);
        await Store.WriteAsync("d/sub/g.txt", Text("y"), Ct);
        await Store.WriteAsync("keep.txt", Text("z"), Ct);

        await Store.DeleteAsync("d/f.txt", Ct);
        Assert.Equal([new ArtifactFileInfo("d/sub", true)], await Store.ListAsync("d", Ct));

        await Store.DeleteAsync("d", Ct);
        Assert.Equal([new ArtifactFileInfo("keep.txt", false, 1)], await Store.ListAsync("", Ct));
    }

    [Fact]
    public async Task DeleteAsync_TreeLargerThanAPage_RemovesEveryFileAndNothingBeside()
    {
        for (var i = 0; i < 25; i++)
        {
            await Store.WriteAsync($"run/artifacts/{i % 3}/file{i}.txt", Text("x"), Ct);
        }

        await Store.WriteAsync("run/artifacts-other/keep.txt", Text("k"), Ct);

        await Store.DeleteAsync("run/artifacts", Ct);

        Assert.Equal([new ArtifactFileInfo("run/artifacts-other", true)], await Store.ListAsync("run", Ct));
        var missing = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteAsync("run/artifacts", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);
    }

    [Fact]
    public async Task DeleteAsync_MissingOrRoot_Refused()
    {
        var missing = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteAsync("missing", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);
        var root = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteAsync("", Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, root.Code);
        root = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteAsync("./", Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, root.Code);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\..\\..\\x")]
    [InlineData("%2e%2e/outside.txt")]
    [InlineData("a/%2F../outside.txt")]
    [InlineData("a\0b")]
    [InlineData("file:///etc/passwd")]
    [InlineData("s3://other-bucket/x")]
    [InlineData("....//outside.txt")]
    [InlineData(".keel-upload-abc")]
    public async Task EveryOperation_UnsafePath_IsRefusedAndWritesNothingOutsideTheRoot(string path)
    {
        await AssertInvalid(() => Store.WriteAsync(path, Text("x"), Ct));
        await AssertInvalid(() => Store.OpenReadAsync(path, Ct));
        await AssertInvalid(() => Store.ListAsync(path, Ct));
        await AssertInvalid(() => Store.DeleteAsync(path, Ct));
        Assert.Empty(await Store.ListAsync("", Ct));
        Assert.Empty(await ItemsOutsideRootAsync());
    }

    protected static async Task AssertInvalid(Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    protected async Task<string> ReadText(string path)
    {
        await using var stream = await Store.OpenReadAsync(path, Ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));
}
