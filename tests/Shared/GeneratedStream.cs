using System.Security.Cryptography;

namespace Keel.Tests.Shared;

/// <summary>
/// A read-only, non-seekable stream of <see cref="Length"/> pseudo-random bytes (the same bytes for
/// the same seed) made as they are read, so a test can push a large file through a store without
/// holding it. With <see cref="FailAfter"/> it throws once that many bytes were read, like a client
/// that disconnects mid-upload.
/// </summary>
public sealed class GeneratedStream(long length, uint seed = 1) : Stream
{
    private uint _state = seed == 0 ? 1 : seed;
    private long _position;

    /// <summary>Throw an <see cref="IOException"/> after this many bytes; null never.</summary>
    public long? FailAfter { get; init; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The SHA-256 of the bytes such a stream yields.</summary>
    public static byte[] Sha256Of(long length, uint seed = 1)
    {
        using var stream = new GeneratedStream(length, seed);
        return SHA256.HashData(stream);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (FailAfter is { } limit && _position >= limit)
        {
            throw new IOException("The generated stream failed on purpose (a client that went away).");
        }

        var remaining = length - _position;
        if (FailAfter is { } failAt)
        {
            remaining = Math.Min(remaining, failAt - _position);
        }

        var count = (int)Math.Min(buffer.Length, remaining);
        for (var i = 0; i < count; i++)
        {
            // xorshift32: fast, deterministic, and not compressible into a pattern a store could shortcut.
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            buffer[i] = (byte)_state;
        }

        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
