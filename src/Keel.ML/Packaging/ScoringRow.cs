using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Keel.ML.Packaging;

/// <summary>
/// The column names shared by the rows of one request that gives rows by position (MLflow
/// <c>dataframe_split</c>, <c>instances</c> or <c>inputs</c> as arrays). A name given twice keeps
/// its first position among the names and the last value, as assigning into a dictionary would.
/// </summary>
public sealed class ScoringColumns
{
    private Dictionary<string, int>? _index;

    /// <summary>Creates the column list.</summary>
    public ScoringColumns(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Names = names;
    }

    /// <summary>The names, one per value position.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Each distinct name's value position (the last one when a name repeats); built on first use.</summary>
    internal Dictionary<string, int> Index => _index ?? LazyInitializer.EnsureInitialized(ref _index, BuildIndex);

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(Names.Count, StringComparer.Ordinal);
        for (var i = 0; i < Names.Count; i++)
        {
            index[Names[i]] = i;
        }

        return index;
    }
}

/// <summary>
/// One row given by position: values in the order of a shared <see cref="ScoringColumns"/>. It reads
/// as a column-name-to-value map like any other row, and <see cref="ModelScorer"/> reads it by
/// position instead, without building or looking up a dictionary per row.
/// </summary>
public sealed class ScoringRow : IReadOnlyDictionary<string, JsonElement>
{
    private readonly JsonElement[] _values;

    /// <summary>Creates a row; <paramref name="values"/> has one value per name of <paramref name="columns"/>.</summary>
    public ScoringRow(ScoringColumns columns, JsonElement[] values)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != columns.Names.Count)
        {
            throw new ArgumentException($"Expected {columns.Names.Count} values, one per column, got {values.Length}.", nameof(values));
        }

        Columns = columns;
        _values = values;
    }

    /// <summary>The shared column names.</summary>
    public ScoringColumns Columns { get; }

    /// <inheritdoc/>
    public int Count => Columns.Index.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => Columns.Index.Keys;

    /// <inheritdoc/>
    public IEnumerable<JsonElement> Values => Columns.Index.Values.Select(i => _values[i]);

    /// <inheritdoc/>
    public JsonElement this[string key] => _values[Columns.Index[key]];

    /// <summary>The value at <paramref name="position"/> of the column list.</summary>
    internal JsonElement At(int position) => _values[position];

    /// <inheritdoc/>
    public bool ContainsKey(string key) => Columns.Index.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value)
    {
        if (Columns.Index.TryGetValue(key, out var position))
        {
            value = _values[position];
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator()
    {
        foreach (var (name, position) in Columns.Index)
        {
            yield return new KeyValuePair<string, JsonElement>(name, _values[position]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
