using System.Collections.Concurrent;

namespace Keel.Monitoring.Deployments;

/// <summary>
/// Interns predicted labels so the request path stores an int, not a new string: a known label is
/// found from its characters without allocating. Bounded: labels past <see cref="MaxLabels"/> share
/// the id of <see cref="Other"/>.
/// </summary>
internal sealed class LabelTable
{
    /// <summary>The most distinct labels kept.</summary>
    public const int MaxLabels = 4096;

    /// <summary>The name of every label past the bound.</summary>
    public const string Other = "(other)";

    /// <summary>The id of "no label" (regression).</summary>
    public const int None = -1;

    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lock _gate = new();
    private string[] _names = new string[16];
    private int _count;

    public LabelTable() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The id of <paramref name="label"/>, adding it when new.</summary>
    public int Id(ReadOnlySpan<char> label)
    {
        if (_lookup.TryGetValue(label, out int id))
        {
            return id;
        }

        lock (_gate)
        {
            if (_lookup.TryGetValue(label, out id))
            {
                return id;
            }

            string name = _count >= MaxLabels - 1 ? Other : label.ToString();
            if (_ids.TryGetValue(name, out id))
            {
                return id;
            }

            if (_count == _names.Length)
            {
                Array.Resize(ref _names, _names.Length * 2);
            }

            id = _count;
            _names[id] = name;
            Volatile.Write(ref _count, id + 1);
            _ids[name] = id;
            return id;
        }
    }

    /// <summary>The label of <paramref name="id"/>; null for <see cref="None"/>.</summary>
    public string? Name(int id)
    {
        if (id < 0)
        {
            return null;
        }

        lock (_gate)
        {
            return _names[id];
        }
    }
}
