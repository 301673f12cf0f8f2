using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Keel.Storage.Postgres;

/// <summary>
/// Rows in PostgreSQL's binary <c>COPY</c> format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4),
/// encoded into one pooled buffer: the signature header, per row a field count and each field as a
/// big-endian length (-1 for NULL) and its bytes, and the trailer. UTF-8 bytes are copied as they are.
/// </summary>
internal sealed class PostgresCopyBuffer : IDisposable
{
    // The 11-byte signature "PGCOPY\n\xff\r\n\0", no flags, no header extension.
    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private byte[] _buffer;
    private int _length;

    public PostgresCopyBuffer(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        Header.CopyTo(_buffer);
        _length = Header.Length;
    }

    /// <summary>The encoded bytes so far.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Forgets the bytes written (after they were sent), keeping the buffer.</summary>
    public void Clear() => _length = 0;

    public void StartRow(short fields) => BinaryPrimitives.WriteInt16BigEndian(Grow(2), fields);

    public void Trailer() => BinaryPrimitives.WriteInt16BigEndian(Grow(2), -1);

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Grow(4), -1);

    public void Int64(long value)
    {
        var span = Grow(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    public void Int32(int value)
    {
        var span = Grow(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
    }

    public void Text(ReadOnlySpan<byte> utf8)
    {
        var span = Grow(4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, utf8.Length);
        utf8.CopyTo(span[4..]);
    }

    /// <summary>A string as UTF-8 (it must be valid UTF-16, as <see cref="PostgresText.Storable(string)"/> makes it).</summary>
    public void Text(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = Grow(4 + max);
        var count = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, count);
        _length -= max - count;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Reserves <paramref name="bytes"/> at the end, growing the buffer when needed.</summary>
    private Span<byte> Grow(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var span = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }
}
