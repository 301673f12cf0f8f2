using System.Text;
using Keel.Core.Artifacts;
using Keel.Storage.Artifacts;

namespace Keel.Storage.Tests.Artifacts;

public sealed class AtomicWriteTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly LocalArtifactStore _store;

    public AtomicWriteTests() => _store = new LocalArtifactStore(_temp.Combine("artifacts"));

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_SourceThrowsHalfway_NoFileUnderRealNameAndNoTempLeft()
    {
        var source = new FailingStream(bytesBeforeFailure: 200_000);

        await Assert.ThrowsAsync<IOException>(() => _store.WriteAsync("run/model.bin", source, Ct));

        Assert.True(source.Position >= 200_000, "the store should have consumed data before the failure");
        var folder = _temp.Combine("artifacts", "run");
        Assert.False(File.Exists(Path.Join(folder, "model.bin")));
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Empty(await _store.ListAsync("run", Ct));
    }

    [Fact]
    public async Task WriteAsync_SourceThrowsHalfway_PreviousVersionIsKeptIntact()
    {
        await _store.WriteAsync("run/model.bin", new MemoryStream(Encoding.UTF8.GetBytes("version 1")), Ct);

        await Assert.ThrowsAsync<IOException>(() => _store.WriteAsync("run/model.bin", new FailingStream(100_000), Ct));

        await using var stream = await _store.OpenReadAsync("run/model.bin", Ct);
        using var reader = new StreamReader(stream);
        Assert.Equal("version 1", await reader.ReadToEndAsync(Ct));
        Assert.Single(Directory.GetFiles(_temp.Combine("artifacts", "run")));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_LeavesNothingBehind()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var source = new FailingStream(bytesBeforeFailure: long.MaxValue, onRead: total =>
        {
            if (total > 50_000)
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.WriteAsync("c/file.bin", source, cts.Token));

        Assert.Empty(Directory.GetFiles(_temp.Combine("artifacts", "c")));
    }

    [Fact]
    public async Task ListAsync_HidesLeftoverTempFilesFromACrash()
    {
        await _store.WriteAsync("run/done.txt", new MemoryStream([1, 2, 3]), Ct);
        var leftover = _temp.Combine("artifacts", "run", ArtifactPath.TempPrefix + "deadbeef");
        await File.WriteAllBytesAsync(leftover, new byte[10], Ct);

        var files = await _store.ListAsync("run", Ct);

        Assert.Equal([new Core.Protocol.FileInfo("run/done.txt", false, 3)], files);
    }

    /// <summary>Yields zero-filled data, then fails like a dropped connection.</summary>
    private sealed class FailingStream(long bytesBeforeFailure, Action<long>? onRead = null) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= bytesBeforeFailure)
            {
                throw new IOException("The connection was reset.");
            }

            var n = (int)Math.Min(Math.Min(buffer.Length, 8192), bytesBeforeFailure - _position);
            buffer[..n].Clear();
            _position += n;
            onRead?.Invoke(_position);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
