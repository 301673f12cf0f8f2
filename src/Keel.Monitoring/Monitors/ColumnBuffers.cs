using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// A growable column held in chunks: a chunk is never copied or regrown, so collecting a window of a
/// million rows costs the chunks plus one exact-size copy at the end (<see cref="ToArray"/>), not
/// the doubling copies of a growing array. Chunks double from 1,024 items up to 65,536 (512 KiB of
/// doubles), so a small window stays small; they are allocated without zeroing.
/// </summary>
/// <typeparam name="T">The cell type.</typeparam>
internal class ColumnBuffer<T>
{
    private const int FirstChunk = 1024;
    private const int LargestChunk = 65536;
    private readonly List<T[]> _chunks = [];
    private T[] _current;
    private int _used;
    private int _before; // items in the chunks before the current one

    protected ColumnBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _current = GC.AllocateUninitializedArray<T>(Math.Max(capacity, FirstChunk));
        _chunks.Add(_current);
    }

    public int Count => _before + _used;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T value)
    {
        if (_used == _current.Length)
        {
            NextChunk();
        }

        _current[_used++] = value;
    }

    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count)
        {
            return;
        }

        while (count < _before)
        {
            _chunks.RemoveAt(_chunks.Count - 1);
            _current = _chunks[^1];
            _before -= _current.Length;
        }

        _used = count - _before;
    }

    /// <summary>Copies the items into <paramref name="destination"/> (at least <see cref="Count"/> long).</summary>
    public void CopyTo(Span<T> destination)
    {
        var at = 0;
        for (var i = 0; i < _chunks.Count - 1; i++)
        {
            _chunks[i].CopyTo(destination[at..]);
            at += _chunks[i].Length;
        }

        _current.AsSpan(0, _used).CopyTo(destination[at..]);
    }

    /// <summary>The items in one array: the buffer's own when it is one full chunk, else an exact-size copy.</summary>
    public T[] ToArray()
    {
        if (_chunks.Count == 1 && _used == _current.Length)
        {
            return _current;
        }

        var result = GC.AllocateUninitializedArray<T>(Count);
        CopyTo(result);
        return result;
    }

    protected void PadTo(int count, T missing)
    {
        while (Count < count)
        {
            Add(missing);
        }
    }

    private void NextChunk()
    {
        _before += _current.Length;
        _current = GC.AllocateUninitializedArray<T>(Math.Clamp(_current.Length * 2, FirstChunk, LargestChunk));
        _used = 0;
        _chunks.Add(_current);
    }
}

/// <summary>A growable column of numbers (NaN = missing).</summary>
internal sealed class NumberBuffer(int capacity = 0) : ColumnBuffer<double>(capacity)
{
    /// <summary>Pads with missing values up to <paramref name="count"/>.</summary>
    public void PadTo(int count) => PadTo(count, double.NaN);
}

/// <summary>A growable column of labels (null = missing).</summary>
internal sealed class LabelBuffer(int capacity = 0) : ColumnBuffer<string?>(capacity)
{
    /// <summary>Pads with missing values up to <paramref name="count"/>.</summary>
    public void PadTo(int count) => PadTo(count, null);
}

/// <summary>Joins the buffers of several builders into one array (one copy).</summary>
internal static class Buffers
{
    public static T[] Concat<T>(IEnumerable<ColumnBuffer<T>> parts)
    {
        var list = parts.ToList();
        if (list.Count == 1)
        {
            return list[0].ToArray();
        }

        var result = GC.AllocateUninitializedArray<T>(list.Sum(p => p.Count));
        var at = 0;
        foreach (var part in list)
        {
            part.CopyTo(result.AsSpan(at));
            at += part.Count;
        }

        return result;
    }
}
