namespace Keel.Data;

/// <summary>
/// Which cells count as missing: the one rule for every command that reads a table (train,
/// validate, drift, CSV scoring). Shaped like pandas' <c>read_csv(na_values=…, keep_default_na=…)</c>.
/// </summary>
/// <remarks>
/// <para>The default is an <b>empty cell</b> only. pandas' default list also turns <c>None</c>,
/// <c>NA</c>, <c>null</c>, <c>NaN</c> and a dozen other words into missing values, which silently
/// deletes real categories: in the Ames housing data <c>Mas_Vnr_Type = "None"</c> (61% of rows) is
/// a category ("no masonry veneer"), not an unknown. A reader should not guess that a word means
/// "unknown"; the data's author says so with <see cref="NaValues"/>, and pandas' list is one word
/// away (<c>na_values: [pandas]</c>).</para>
/// <para>Matching is exact and case-sensitive on the whole cell, without trimming, as in pandas. A
/// field absent from a short row and a Parquet null are always missing. Cells are compared after
/// CSV unquoting, so <c>""</c> is an empty cell too.</para>
/// </remarks>
public sealed class MissingValues
{
    /// <summary>The item of <see cref="NaValues"/> that stands for <see cref="PandasDefaults"/>.</summary>
    public const string PandasPreset = "pandas";

    /// <summary>pandas' default NA words (pandas 2.x <c>STR_NA_VALUES</c>), including the empty cell.</summary>
    public static readonly IReadOnlyList<string> PandasDefaults =
    [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ];

    private readonly string[] _tokens;
    private readonly bool _emptyIsMissing;
    private readonly int _maxLength;

    /// <summary>Creates a rule.</summary>
    /// <param name="naValues">Cells read as missing besides the default; the item <c>pandas</c> stands for <see cref="PandasDefaults"/>.</param>
    /// <param name="keepDefaultNa">Keep the default rule (an empty cell is missing).</param>
    /// <value>No extra words; the default kept.</value>
    public MissingValues(IEnumerable<string>? naValues = null, bool keepDefaultNa = true)
    {
        var tokens = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in naValues ?? [])
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value == PandasPreset)
            {
                tokens.UnionWith(PandasDefaults);
            }
            else
            {
                tokens.Add(value);
            }
        }

        KeepDefaultNa = keepDefaultNa;
        _emptyIsMissing = keepDefaultNa || tokens.Contains(string.Empty);
        tokens.Remove(string.Empty);
        _tokens = [.. tokens];
        _maxLength = _tokens.Length == 0 ? 0 : _tokens.Max(t => t.Length);
        NaValues = naValues?.ToArray() ?? [];
    }

    /// <summary>The default rule: an empty cell is missing, nothing else is.</summary>
    public static MissingValues Default { get; } = new();

    /// <summary>pandas' default rule (<see cref="PandasDefaults"/>).</summary>
    public static MissingValues Pandas { get; } = new([PandasPreset]);

    /// <summary>The extra words as given (the <c>pandas</c> item not expanded).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<string> NaValues { get; }

    /// <summary>Whether the default (an empty cell is missing) applies.</summary>
    /// <value>True.</value>
    public bool KeepDefaultNa { get; }

    /// <summary>Every word read as missing, expanded, in ordinal order; the empty cell shown as <c>""</c>.</summary>
    public IEnumerable<string> Words => (_emptyIsMissing ? new[] { "\"\"" } : []).Concat(_tokens);

    /// <summary>True when <paramref name="cell"/> is a missing value under this rule.</summary>
    public bool IsMissing(ReadOnlySpan<char> cell)
    {
        if (cell.Length == 0)
        {
            return _emptyIsMissing;
        }

        if (cell.Length > _maxLength)
        {
            return false;
        }

        foreach (var token in _tokens)
        {
            if (cell.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses the comma-separated CLI form (<c>--na-values NA,null</c>), merged with the other options.</summary>
    /// <param name="naValues">Values of <c>--na-values</c>; each is split at commas.</param>
    /// <param name="keepDefaultNa">The value of <c>--keep-default-na</c>, or null when not given.</param>
    /// <param name="fallback">The rule used when neither option is given (e.g. the pipeline file's).</param>
    public static MissingValues FromOptions(IEnumerable<string>? naValues, bool? keepDefaultNa, MissingValues? fallback = null)
    {
        var words = (naValues ?? []).SelectMany(v => v.Split(',')).ToArray();
        if (words.Length == 0 && keepDefaultNa is null)
        {
            return fallback ?? Default;
        }

        return new MissingValues(words.Length > 0 ? words : fallback?.NaValues, keepDefaultNa ?? fallback?.KeepDefaultNa ?? true);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Words);
}
