namespace Keel.Monitoring.Monitors;

/// <summary>A growable array of numbers (NaN = missing), handed out without a copy when full.</summary>
internal sealed class NumberBuffer
{
    private double[] _items;

    public NumberBuffer(int capacity = 0) => _items = new double[Math.Max(capacity, 1024)];

    public int Count { get; private set; }

    public ReadOnlySpan<double> Items => _items.AsSpan(0, Count);

    public void Add(double value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = value;
    }

    /// <summary>Pads with missing values up to <paramref name="count"/>.</summary>
    public void PadTo(int count)
    {
        while (Count < count)
        {
            Add(double.NaN);
        }
    }

    public void Truncate(int count) => Count = Math.Min(Count, count);

    public double[] ToArray() => Count == _items.Length ? _items : _items[..Count];
}

/// <summary>A growable array of labels (null = missing).</summary>
internal sealed class LabelBuffer
{
    private string?[] _items;

    public LabelBuffer(int capacity = 0) => _items = new string?[Math.Max(capacity, 1024)];

    public int Count { get; private set; }

    public ReadOnlySpan<string?> Items => _items.AsSpan(0, Count);

    public void Add(string? value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = value;
    }

    public void PadTo(int count)
    {
        while (Count < count)
        {
            Add(null);
        }
    }

    public void Truncate(int count) => Count = Math.Min(Count, count);

    public string?[] ToArray() => Count == _items.Length ? _items : _items[..Count];
}

/// <summary>Joins the buffers of several builders into one array.</summary>
internal static class Buffers
{
    public static double[] Concat(IEnumerable<NumberBuffer> parts)
    {
        var list = parts.ToList();
        if (list.Count == 1)
        {
            return list[0].ToArray();
        }

        var result = new double[list.Sum(p => p.Count)];
        var at = 0;
        foreach (var part in list)
        {
            part.Items.CopyTo(result.AsSpan(at));
            at += part.Count;
        }

        return result;
    }

    public static string?[] Concat(IEnumerable<LabelBuffer> parts)
    {
        var list = parts.ToList();
        if (list.Count == 1)
        {
            return list[0].ToArray();
        }

        var result = new string?[list.Sum(p => p.Count)];
        var at = 0;
        foreach (var part in list)
        {
            part.Items.CopyTo(result.AsSpan(at));
            at += part.Count;
        }

        return result;
    }
}
