namespace Keel.Monitoring.Monitors;

/// <summary>A growable array of numbers (NaN = missing), handed out without a copy when full.</summary>
internal sealed class NumberBuffer
{
    private double[] _items = new double[1024];

    public int Count { get; private set; }

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
    private string?[] _items = new string?[1024];

    public int Count { get; private set; }

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
