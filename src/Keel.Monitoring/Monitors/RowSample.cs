using System.Text;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// A uniform sample without replacement of exactly <c>k</c> of <c>n</c> rows, drawn by selection
/// sampling (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S: row <c>i</c> is taken with probability
/// (still needed) / (still left), so every k-subset is equally likely and exactly k are taken) from
/// a SplitMix64 stream, so one seed always gives the same rows on every machine and .NET version.
/// The monitoring pass seeds it from the window (model, version, series, start, end), so a rerun of
/// a window draws the same rows and gives the same verdict.
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

        var kept = new int[size];
        var state = seed;
        var taken = 0;
        for (var i = 0; taken < size; i++)
        {
            // A uniform double in [0, 1) from the top 53 bits; take row i when u * left < needed.
            var u = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
            if (u * (rows - i) < size - taken)
            {
                kept[taken++] = i;
            }
        }

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

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014): one 64-bit output per step.</summary>
    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
