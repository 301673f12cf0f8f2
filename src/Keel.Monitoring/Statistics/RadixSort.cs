using System.Buffers;
using System.Runtime.InteropServices;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// LSD radix sort for doubles (four 16-bit passes over order-preserving integer keys). It is several
/// times faster than comparison sorting above a few tens of thousands of values, and every drift
/// statistic starts by sorting both samples. The order equals <see cref="Array.Sort(Array)"/> for
/// non-NaN values (−0.0 sorts before +0.0; they compare equal everywhere they are used).
/// </summary>
internal static class RadixSort
{
    /// <summary>Below this length <see cref="Array.Sort(Array)"/> is faster.</summary>
    public const int Threshold = 16_384;

    private const int Bits = 16, Buckets = 1 << Bits, Passes = 64 / Bits;

    /// <summary>Sorts <paramref name="values"/> (no NaN) in place.</summary>
    public static void Sort(Span<double> values)
    {
        if (values.Length < Threshold)
        {
            values.Sort();
            return;
        }

        var keys = MemoryMarshal.Cast<double, ulong>(values);
        for (int i = 0; i < keys.Length; i++)
        {
            ulong k = keys[i];
            keys[i] = (k & 0x8000_0000_0000_0000UL) != 0 ? ~k : k | 0x8000_0000_0000_0000UL;
        }

        var counts = ArrayPool<int>.Shared.Rent(Buckets * Passes);
        var temp = ArrayPool<ulong>.Shared.Rent(keys.Length);
        try
        {
            Array.Clear(counts, 0, Buckets * Passes);
            foreach (ulong k in keys)
            {
                for (int p = 0; p < Passes; p++)
                {
                    counts[(p * Buckets) + (int)((k >> (p * Bits)) & (Buckets - 1))]++;
                }
            }

            Span<ulong> src = keys, dst = temp.AsSpan(0, keys.Length);
            for (int p = 0; p < Passes; p++)
            {
                var c = counts.AsSpan(p * Buckets, Buckets);
                if (c[(int)((src[0] >> (p * Bits)) & (Buckets - 1))] == src.Length)
                {
                    continue; // every key shares this digit
                }

                int sum = 0;
                for (int b = 0; b < Buckets; b++)
                {
                    int t = c[b];
                    c[b] = sum;
                    sum += t;
                }

                int shift = p * Bits;
                foreach (ulong k in src)
                {
                    dst[c[(int)((k >> shift) & (Buckets - 1))]++] = k;
                }

                var swap = src;
                src = dst;
                dst = swap;
            }

            if (src != keys)
            {
                src.CopyTo(keys);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(temp);
            ArrayPool<int>.Shared.Return(counts);
        }

        for (int i = 0; i < keys.Length; i++)
        {
            ulong k = keys[i];
            keys[i] = (k & 0x8000_0000_0000_0000UL) != 0 ? k & 0x7FFF_FFFF_FFFF_FFFFUL : ~k;
        }
    }
}
