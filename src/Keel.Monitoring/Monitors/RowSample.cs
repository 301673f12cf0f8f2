using System.Text;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// A uniform sample without replacement of exactly <c>k</c> of <c>n</c> rows: row <c>i</c> gets the
/// key <c>u_i</c>, the i-th output of a SplitMix64 stream started at the seed, and the sample is the
/// <c>k</c> rows with the smallest keys (ties, which 64-bit keys all but never have: the earlier
/// row), in row order. Keys drawn independently and uniformly make every k-subset equally likely
/// (bottom-k sampling; Cohen and Kaplan 2007). A row's key depends only on its position, so the
/// sample can be drawn while the rows stream past, before their count is known, keeping only
/// the k smallest so far (<see cref="SmallestKeys"/>): the monitoring pass draws it before it
/// parses a row's inputs, and only the drawn rows are parsed. One seed gives the same rows on every
/// machine and .NET version; the monitoring pass seeds it from the window (model, version, series,
/// start, end), so a rerun of a window draws the same rows and gives the same verdict.
/// </summary>
public static class RowSample
{
    /// <summary>The rows to keep, ascending: all <paramref name="rows"/> when they are at most <paramref name="size"/>, else exactly <paramref name="size"/> of them.</summary>
    /// <param name="rows">Rows to draw from.</param>
    /// <param name="size">Rows to keep.</param>
    /// <param name="seed">The seed (<see cref="Seed"/>).</param>
    public static int[] Indices(int rows, int size, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rows <= size)
        {
            var all = new int[rows];
            for (var i = 0; i < rows; i++)
            {
                all[i] = i;
            }

            return all;
        }

        var smallest = new SmallestKeys(size);
        var keys = new KeyStream(seed);
        for (var i = 0; i < rows; i++)
        {
            var key = keys.Next();
            if (smallest.Wants(key))
            {
                smallest.Offer(key, i);
            }
        }

        var kept = new int[size];
        for (var s = 0; s < size; s++)
        {
            kept[s] = (int)smallest.PositionAt(s);
        }

        Array.Sort(kept);
        return kept;
    }

    /// <summary>A seed from a text key (64-bit FNV-1a of its UTF-8 bytes): stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static ulong Seed(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}

/// <summary>The rows' keys: SplitMix64 (Steele, Lea and Flood 2014), one 64-bit output per row.</summary>
internal struct KeyStream(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>
/// The <c>k</c> smallest (key, position) pairs offered, in a max-heap: the largest kept key is at the
/// root, so a row whose key is larger is turned away with one comparison. Each kept pair owns a
/// slot (0 to k − 1) that a caller can hang the row's data on: an evicted pair's slot goes to the
/// pair that replaced it.
/// </summary>
internal sealed class SmallestKeys
{
    private readonly ulong[] _keys;
    private readonly long[] _positions;
    private readonly int[] _slots;
    private int _count;

    public SmallestKeys(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _keys = new ulong[size];
        _positions = new long[size];
        _slots = new int[size];
    }

    /// <summary>Pairs kept.</summary>
    public int Count => _count;

    /// <summary>Whether a row with this key (and a later position than every kept one) would be kept.</summary>
    public bool Wants(ulong key) => _count < _keys.Length || key < _keys[0];

    /// <summary>Keeps the pair (evicting the largest when full; call only when <see cref="Wants"/>); returns its slot.</summary>
    public int Offer(ulong key, long position)
    {
        int slot;
        if (_count < _keys.Length)
        {
            slot = _count;
            var at = _count++;
            _keys[at] = key;
            _positions[at] = position;
            _slots[at] = slot;
            SiftUp(at);
            return slot;
        }

        slot = _slots[0];
        _keys[0] = key;
        _positions[0] = position;
        _slots[0] = slot;
        SiftDown(0);
        return slot;
    }

    /// <summary>The position of the pair at heap index <paramref name="index"/> (any order).</summary>
    public long PositionAt(int index) => _positions[index];

    /// <summary>The key of the pair at heap index <paramref name="index"/>.</summary>
    public ulong KeyAt(int index) => _keys[index];

    /// <summary>The slot of the pair at heap index <paramref name="index"/>.</summary>
    public int SlotAt(int index) => _slots[index];

    private bool Above(int a, int b) => _keys[a] > _keys[b] || (_keys[a] == _keys[b] && _positions[a] > _positions[b]);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Above(i, parent))
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var largest = i;
            var left = (2 * i) + 1;
            var right = left + 1;
            if (left < _count && Above(left, largest))
            {
                largest = left;
            }

            if (right < _count && Above(right, largest))
            {
                largest = right;
            }

            if (largest == i)
            {
                return;
            }

            Swap(i, largest);
            i = largest;
        }
    }

    private void Swap(int a, int b)
    {
        (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
        (_positions[a], _positions[b]) = (_positions[b], _positions[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
