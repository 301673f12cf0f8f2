using System.Buffers;
using System.Text;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// Turns UTF-8 label bytes into strings, allocating a string only the first time a label is seen:
/// a window holds millions of cells but few distinct categories.
/// </summary>
internal sealed class LabelInterner
{
    private const int MaxDistinct = 100_000;
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public LabelInterner() => _lookup = _labels.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<byte> utf8)
    {
        var max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        char[]? rented = null;
        var chars = max <= 256 ? stackalloc char[max] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            var written = Encoding.UTF8.GetChars(utf8, chars);
            return Get(chars[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public string Get(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out var known))
        {
            return known;
        }

        var label = text.ToString();
        if (_labels.Count < MaxDistinct)
        {
            _labels[label] = label;
        }

        return label;
    }
}
