namespace Keel.Monitoring.Monitors;

/// <summary>
/// The input rows a <see cref="PredictionWindowBuilder"/> keeps, unparsed, while the window streams
/// past: every counted row draws its key from the window's <see cref="KeyStream"/> (row j the j-th
/// key, as <see cref="RowSample"/>), the <c>k</c> rows with the smallest keys so far keep their JSON
/// bytes in one arena (a row turned away costs a key and a comparison; a row kept, a copy of its
/// bytes), and only the rows left at the end are parsed. With n rows, about k(1 + ln(n/k)) rows are
/// ever copied; the arena is compacted when evicted rows fill half of it.
/// </summary>
internal sealed class InputRowSample
{
    private readonly SmallestKeys _smallest;
    private readonly Row[] _rows;
    private KeyStream _keys;
    private byte[] _bytes = new byte[64 * 1024];
    private int _used;
    private int _live;

    public InputRowSample(int size, ulong seed)
    {
        _smallest = new SmallestKeys(size);
        _rows = new Row[size];
        _keys = new KeyStream(seed);
    }

    /// <summary>Rows kept at most.</summary>
    public int Size => _rows.Length;

    /// <summary>Input rows counted (offered) so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows kept now.</summary>
    public int Count => _smallest.Count;

    /// <summary>Counts one input row (its JSON array <c>[v, ...]</c>) and keeps it if its key is among the smallest.</summary>
    public void Offer(ReadOnlySpan<byte> row, IReadOnlyList<string> columns)
    {
        var key = _keys.Next();
        var position = Rows++;
        if (!_smallest.Wants(key))
        {
            return;
        }

        var replacing = _smallest.Count == _rows.Length;
        var slot = _smallest.Offer(key, position);
        if (replacing)
        {
            _live -= _rows[slot].Length;
        }

        _rows[slot] = default; // the evicted row's bytes are garbage from here on

        if (_used + row.Length > _bytes.Length)
        {
            Compact(row.Length);
        }

        row.CopyTo(_bytes.AsSpan(_used));
        _rows[slot] = new Row(_used, row.Length, columns);
        _used += row.Length;
        _live += row.Length;
    }

    /// <summary>The kept rows' keys and positions, with the slot that holds their bytes (any order).</summary>
    public IEnumerable<(ulong Key, long Position, int Slot)> Kept()
    {
        for (var i = 0; i < _smallest.Count; i++)
        {
            yield return (_smallest.KeyAt(i), _smallest.PositionAt(i), _smallest.SlotAt(i));
        }
    }

    /// <summary>A kept row's JSON bytes.</summary>
    public ReadOnlySpan<byte> Bytes(int slot) => _bytes.AsSpan(_rows[slot].Offset, _rows[slot].Length);

    /// <summary>The logged column names of a kept row's request.</summary>
    public IReadOnlyList<string> Columns(int slot) => _rows[slot].Columns;

    /// <summary>Copies the live rows into a new arena with room for <paramref name="needed"/> more bytes (twice what is live, so compactions stay rare).</summary>
    private void Compact(int needed)
    {
        var next = GC.AllocateUninitializedArray<byte>(Math.Max(_bytes.Length, 2 * (_live + needed)));
        var at = 0;
        for (var i = 0; i < _smallest.Count; i++)
        {
            var slot = _smallest.SlotAt(i);
            var row = _rows[slot];
            _bytes.AsSpan(row.Offset, row.Length).CopyTo(next.AsSpan(at));
            _rows[slot] = row with { Offset = at };
            at += row.Length;
        }

        _bytes = next;
        _used = at;
    }

    private readonly record struct Row(int Offset, int Length, IReadOnlyList<string> Columns);
}
