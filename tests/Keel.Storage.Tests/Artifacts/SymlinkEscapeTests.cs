using System.Text;
using Keel.Core.Errors;
using Keel.Storage.Artifacts;

namespace Keel.Storage.Tests.Artifacts;

public sealed class SymlinkEscapeTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _root;
    private readonly string _outside;
    private readonly LocalArtifactStore _store;

    public SymlinkEscapeTests()
    {
        _root = Directory.CreateDirectory(_temp.Combine("artifacts")).FullName;
        _outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        File.WriteAllText(Path.Join(_outside, "secret.txt"), "secret");
        _store = new LocalArtifactStore(_root);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DirectoryLinkOutsideRoot_EveryOperationRefused()
    {
        Directory.CreateSymbolicLink(Path.Join(_root, "escape"), _outside);

        await AssertInvalid(() => _store.OpenReadAsync("escape/secret.txt", Ct));
        await AssertInvalid(() => _store.ListAsync("escape", Ct));
        await AssertInvalid(() => _store.WriteAsync("escape/new.txt", Text("x"), Ct));
        await AssertInvalid(() => _store.DeleteAsync("escape/secret.txt", Ct));
        Assert.False(File.Exists(Path.Join(_outside, "new.txt")));
        Assert.True(File.Exists(Path.Join(_outside, "secret.txt")));
    }

    [Fact]
    public async Task FileLinkOutsideRoot_ReadAndOverwriteRefused()
    {
        File.CreateSymbolicLink(Path.Join(_root, "link.txt"), Path.Join(_outside, "secret.txt"));

        await AssertInvalid(() => _store.OpenReadAsync("link.txt", Ct));
        await AssertInvalid(() => _store.WriteAsync("link.txt", Text("overwritten"), Ct));
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Join(_outside, "secret.txt"), Ct));
    }

    [Fact]
    public async Task RelativeLinkClimbingOut_Refused()
    {
        Directory.CreateDirectory(Path.Join(_root, "a"));
        Directory.CreateSymbolicLink(Path.Join(_root, "a", "up"), Path.Join("..", "..", "outside"));

        await AssertInvalid(() => _store.OpenReadAsync("a/up/secret.txt", Ct));
    }

    [Fact]
    public async Task ChainOfLinks_EndingOutside_Refused()
    {
        Directory.CreateSymbolicLink(Path.Join(_root, "hop2"), _outside);
        Directory.CreateSymbolicLink(Path.Join(_root, "hop1"), Path.Join(_root, "hop2"));

        await AssertInvalid(() => _store.OpenReadAsync("hop1/secret.txt", Ct));
    }

    [Fact]
    public async Task LinkThroughLinkedIntermediate_Refused()
    {
        // inner -> <root>/mid/target where mid -> outside: the target path looks inside, the disk is not.
        Directory.CreateSymbolicLink(Path.Join(_root, "mid"), _outside);
        Directory.CreateDirectory(Path.Join(_outside, "target"));
        File.WriteAllText(Path.Join(_outside, "target", "x.txt"), "x");
        Directory.CreateSymbolicLink(Path.Join(_root, "inner"), Path.Join(_root, "mid", "target"));

        await AssertInvalid(() => _store.OpenReadAsync("inner/x.txt", Ct));
    }

    [Fact]
    public async Task LinkLoop_Refused()
    {
        Directory.CreateSymbolicLink(Path.Join(_root, "loop1"), Path.Join(_root, "loop2"));
        Directory.CreateSymbolicLink(Path.Join(_root, "loop2"), Path.Join(_root, "loop1"));

        await AssertInvalid(() => _store.OpenReadAsync("loop1/x", Ct));
    }

    [Fact]
    public async Task LinkInsideRoot_IsFollowed()
    {
        await _store.WriteAsync("real/data.txt", Text("inside"), Ct);
        Directory.CreateSymbolicLink(Path.Join(_root, "alias"), Path.Join(_root, "real"));

        await using var stream = await _store.OpenReadAsync("alias/data.txt", Ct);
        using var reader = new StreamReader(stream);
        Assert.Equal("inside", await reader.ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task Listing_HidesLinksPointingOutside()
    {
        await _store.WriteAsync("real/data.txt", Text("inside"), Ct);
        Directory.CreateSymbolicLink(Path.Join(_root, "escape"), _outside);
        File.CreateSymbolicLink(Path.Join(_root, "secret-link.txt"), Path.Join(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Join(_root, "alias"), Path.Join(_root, "real"));
        File.CreateSymbolicLink(Path.Join(_root, "dangling"), Path.Join(_root, "nothing-here"));

        var files = await _store.ListAsync("", Ct);

        Assert.Equal([new Core.Protocol.FileInfo("alias", true), new Core.Protocol.FileInfo("real", true)], files);
    }

    [Fact]
    public async Task RootItselfBehindLink_StillWorksAndStaysConfined()
    {
        var linkedRoot = _temp.Combine("root-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);
        var store = new LocalArtifactStore(linkedRoot);

        await store.WriteAsync("x/y.txt", Text("ok"), Ct);
        Assert.True(File.Exists(Path.Join(_root, "x", "y.txt")));
        Directory.CreateSymbolicLink(Path.Join(_root, "escape"), _outside);
        await AssertInvalid(() => store.OpenReadAsync("escape/secret.txt", Ct));
    }

    [Fact]
    public async Task DeleteTree_ContainingLinkOutside_DoesNotFollowIt()
    {
        await _store.WriteAsync("tree/a.txt", Text("a"), Ct);
        Directory.CreateSymbolicLink(Path.Join(_root, "tree", "escape"), _outside);

        await _store.DeleteAsync("tree", Ct);

        Assert.False(Directory.Exists(Path.Join(_root, "tree")));
        Assert.True(File.Exists(Path.Join(_outside, "secret.txt")));
    }

    private static async Task AssertInvalid(Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));
}
