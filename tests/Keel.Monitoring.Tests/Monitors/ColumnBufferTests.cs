using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Tests.Monitors;

public sealed class ColumnBufferTests
{
    [Fact]
    public void Add_AcrossManyChunks_ToArrayKeepsEveryValueInOrder()
    {
        var buffer = new NumberBuffer();
        for (var i = 0; i < 300_000; i++)
        {
            buffer.Add(i);
        }

        Assert.Equal(300_000, buffer.Count);
        Assert.Equal(Enumerable.Range(0, 300_000).Select(i => (double)i), buffer.ToArray());
    }

    [Theory]
    [InlineData(1_500, 1_000)] // back into the first chunk
    [InlineData(1_024, 1_024)] // exactly at a chunk's end
    [InlineData(200_000, 3_000)] // several chunks back
    [InlineData(5_000, 0)]
    public void Truncate_IntoAnEarlierChunk_ThenAdd_KeepsTheRowsBeforeAndTheNewOnes(int added, int kept)
    {
        var buffer = new LabelBuffer();
        for (var i = 0; i < added; i++)
        {
            buffer.Add("old" + i);
        }

        buffer.Truncate(kept);
        Assert.Equal(kept, buffer.Count);
        for (var i = 0; i < 70_000; i++)
        {
            buffer.Add("new" + i);
        }

        var expected = Enumerable.Range(0, kept).Select(i => "old" + i).Concat(Enumerable.Range(0, 70_000).Select(i => "new" + i));
        Assert.Equal(expected, buffer.ToArray());
    }

    [Fact]
    public void PadTo_FillsWithMissingValues()
    {
        var numbers = new NumberBuffer();
        numbers.Add(1);
        numbers.PadTo(3_000);
        var all = numbers.ToArray();
        Assert.Equal(3_000, all.Length);
        Assert.Equal(1, all[0]);
        Assert.All(all[1..], v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void Concat_JoinsTheBuffersInOrder_InOneExactArray()
    {
        var parts = new[] { 0, 1, 70_000, 2_049 }.Select((n, p) =>
        {
            var buffer = new NumberBuffer();
            for (var i = 0; i < n; i++)
            {
                buffer.Add((p * 1_000_000) + i);
            }

            return buffer;
        }).ToList();
        var expected = parts.SelectMany(b => b.ToArray()).ToArray();
        Assert.Equal(expected, Buffers.Concat(parts));
    }
}
