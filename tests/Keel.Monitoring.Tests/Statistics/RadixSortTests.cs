using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Statistics;

public class RadixSortTests
{
    [Fact]
    public void Radix_sort_orders_like_array_sort_including_negatives_zeros_and_infinities()
    {
        var random = new Random(12);
        var values = new double[RadixSort.Threshold * 3];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 7) switch
            {
                0 => -random.NextDouble() * 1e6,
                1 => random.NextDouble() * 1e-300,
                2 => Math.Round(random.NextDouble() * 10),
                3 => i % 2 == 0 ? double.PositiveInfinity : double.NegativeInfinity,
                4 => 0.0,
                _ => (random.NextDouble() - 0.5) * 1e12,
            };
        }

        var expected = values.ToArray();
        Array.Sort(expected);
        var actual = values.ToArray();
        RadixSort.Sort(actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SortedWithoutNaN_drops_missing_values()
    {
        double[] values = [3, double.NaN, -1, 2, double.NaN];
        Assert.Equal([-1.0, 2.0, 3.0], Samples.SortedWithoutNaN(values));
    }
}
