using System.Text;
using Keel.Core.Errors;
using Keel.Storage.Artifacts;

namespace Keel.Storage.Tests.Artifacts;

public sealed class LocalArtifactStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _root;
    private readonly LocalArtifactStore _store;

    public LocalArtifactStoreTests()
    {
        _root = _temp.Combine("artifacts");
        _store = new LocalArtifactStore(_root);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void RootUri_IsFileUriOfTheFolder() =>
        Assert.Equal(new Uri(_root).AbsoluteUri, _store.RootUri);

    [Fact]
    public async Task WriteAsync_ThenOpenRead_RoundTripsBytes()
    {
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await _store.WriteAsync("1/run/artifacts/model/model.bin", new MemoryStream(bytes), Ct);

        await using var stream = await _store.OpenReadAsync("1/run/artifacts/model/model.bin", Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task WriteAsync_ExistingFile_IsReplaced()
    {
        await _store.WriteAsync("a.txt", Text("old content that is longer"), Ct);
        await _store.WriteAsync("a.txt", Text("new"), Ct);
        Assert.Equal("new", await ReadText("a.txt"));
    }

    [Fact]
    public async Task ListAsync_ReturnsChildrenWithSizesSortedByPath()
    {
        await _store.WriteAsync("r/b.txt", Text("hello"), Ct);
        await _store.WriteAsync("r/a/inner.txt", Text("x"), Ct);
        await _store.WriteAsync("r/c.bin", new MemoryStream([]), Ct);

        var files = await _store.ListAsync("r", Ct);

        Assert.Equal(
            [new Core.Protocol.FileInfo("r/a", true), new Core.Protocol.FileInfo("r/b.txt", false, 5), new Core.Protocol.FileInfo("r/c.bin", false, 0)],
            files);
        Assert.Equal([new Core.Protocol.FileInfo("r", true)], await _store.ListAsync("", Ct));
    }

    [Fact]
    public async Task ListAsync_MissingFolderOrFile_IsEmpty()
    {
        Assert.Empty(await _store.ListAsync("", Ct));
        Assert.Empty(await _store.ListAsync("nope/deeper", Ct));
        await _store.WriteAsync("f.txt", Text("x"), Ct);
        Assert.Empty(await _store.ListAsync("f.txt", Ct));
    }

    [Fact]
    public async Task OpenReadAsync_Missing_IsResourceDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => _store.OpenReadAsync("missing.txt", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        await _store.WriteAsync("f.txt", Text("x"), Ct);
        error = await Assert.ThrowsAsync<KeelException>(() => _store.OpenReadAsync("f.txt/below", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task OpenReadAsync_Directory_IsInvalidParameter()
    {
        await _store.WriteAsync("d/f.txt", Text("x"), Ct);
        var error = await Assert.ThrowsAsync<KeelException>(() => _store.OpenReadAsync("d", Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task WriteAsync_OverDirectoryOrBelowFile_IsInvalidParameter()
    {
        await _store.WriteAsync("d/f.txt", Text("x"), Ct);
        var overDir = await Assert.ThrowsAsync<KeelException>(() => _store.WriteAsync("d", Text("y"), Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, overDir.Code);
        var belowFile = await Assert.ThrowsAsync<KeelException>(() => _store.WriteAsync("d/f.txt/g.txt", Text("y"), Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, belowFile.Code);
        Assert.Equal("x", await ReadText("d/f.txt"));
    }

    [Fact]
    public async Task DeleteAsync_FileAndTree_RemovesThem()
    {
        await _store.WriteAsync("d/f.txt", Text("x"), Ct);
        await _store.WriteAsync("d/sub/g.txt", Text("y"), Ct);
        await _store.WriteAsync("keep.txt", Text("z"), Ct);

        await _store.DeleteAsync("d/f.txt", Ct);
        Assert.Equal([new Core.Protocol.FileInfo("d/sub", true)], await _store.ListAsync("d", Ct));

        await _store.DeleteAsync("d", Ct);
        Assert.Equal([new Core.Protocol.FileInfo("keep.txt", false, 1)], await _store.ListAsync("", Ct));
    }

    [Fact]
    public async Task DeleteAsync_MissingOrRoot_Refused()
    {
        var missing = await Assert.ThrowsAsync<KeelException>(() => _store.DeleteAsync("missing", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);
        var root = await Assert.ThrowsAsync<KeelException>(() => _store.DeleteAsync("", Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, root.Code);
        root = await Assert.ThrowsAsync<KeelException>(() => _store.DeleteAsync("./", Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, root.Code);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\..\\..\\x")]
    [InlineData("%2e%2e/outside.txt")]
    [InlineData("a\0b")]
    [InlineData(".keel-upload-abc")]
    public async Task EveryOperation_UnsafePath_IsRefusedBeforeTouchingDisk(string path)
    {
        await AssertInvalid(() => _store.WriteAsync(path, Text("x"), Ct));
        await AssertInvalid(() => _store.OpenReadAsync(path, Ct));
        await AssertInvalid(() => _store.ListAsync(path, Ct));
        await AssertInvalid(() => _store.DeleteAsync(path, Ct));
        Assert.False(File.Exists(_temp.Combine("outside.txt")));
    }

    private static async Task AssertInvalid(Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    private async Task<string> ReadText(string path)
    {
        await using var stream = await _store.OpenReadAsync(path, Ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));
}
