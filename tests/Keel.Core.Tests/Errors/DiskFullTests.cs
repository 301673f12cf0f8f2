using Keel.Core.Errors;

namespace Keel.Core.Tests.Errors;

public sealed class DiskFullTests
{
    [Fact]
    public void Is_RecognisesTheRealENOSPCOfThisPlatform()
    {
        // Writing past the end of a full filesystem is what the server meets; /dev/full is one on Linux.
        Assert.SkipUnless(File.Exists("/dev/full"), "/dev/full is a Linux device");
        using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);

        var e = Assert.ThrowsAny<IOException>(() => full.Write(new byte[4096]));

        Assert.Equal(DiskFull.Enospc, e.HResult);
        Assert.True(DiskFull.Is(e));
        Assert.True(DiskFull.Is(new InvalidOperationException("wrapped", e)));
    }

    [Fact]
    public void Is_IgnoresOtherIOErrors()
    {
        Assert.False(DiskFull.Is(new IOException("sharing violation", 11)));
        Assert.False(DiskFull.Is(new FileNotFoundException("gone")));
        Assert.False(DiskFull.Is(null));
    }

    [Fact]
    public void Error_Is507_NamesTheStoreAndWhatWasNotStored()
    {
        var e = DiskFull.Error("the artifact store", "artifact 'a.bin'", new IOException("No space left on device", 28));

        Assert.Equal(ErrorCode.InsufficientStorage, e.Code);
        Assert.Equal(507, e.Code.ToHttpStatus());
        Assert.StartsWith("The disk holding the artifact store is full", e.Message, StringComparison.Ordinal);
        Assert.Contains("artifact 'a.bin' was not stored", e.Message, StringComparison.Ordinal);
    }
}
