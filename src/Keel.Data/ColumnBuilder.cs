using Keel.Core.Data;

namespace Keel.Data;

/// <summary>
/// Accumulates one column cell by cell: as numbers while every present cell is a number (no
/// string per cell unless the text is kept), then as interned labels. When a column turns out not
/// to be numeric after numbers were seen and the text was not kept, the reader fills the first
/// rows' exact text in a second pass (<see cref="RawRowsNeeded"/>), so "007" stays "007".
/// </summary>
internal sealed class ColumnBuilder
{
    private readonly MissingValues _missing;
    private readonly ColumnKind? _forced;
    private readonly bool _keepText;
    private readonly bool _intern;
    private Dictionary<string, string>? _pool;
    private List<double>? _numbers = [];
    private List<string?>? _texts;
    private int _count;

    public ColumnBuilder(string name, MissingValues missing, ColumnKind? forced, bool keepText, bool intern = true)
    {
        _intern = intern;
        Name = name;
        _missing = missing;
        _forced = forced;
        _keepText = keepText;
        if (forced is { } kind && kind != ColumnKind.Numeric)
        {
            _numbers = null;
            _texts = [];
        }
        else if (keepText)
        {
            _texts = [];
        }
    }

    public string Name { get; }

    /// <summary>Rows [0, n) whose text must be read again (the column left the numeric phase without kept text); 0 when none.</summary>
    public int RawRowsNeeded { get; private set; }

    /// <summary>Adds a cell; <paramref name="present"/> is false for a field absent from a short row.</summary>
    public void Add(ReadOnlySpan<char> cell, bool present = true)
    {
        var missing = !present || _missing.IsMissing(cell);
        _count++;
        if (_numbers is { } numbers)
        {
            if (missing)
            {
                numbers.Add(double.NaN);
                _texts?.Add(null);
                return;
            }

            if (CellParsing.TryNumber(cell, out var number))
            {
                numbers.Add(number);
                _texts?.Add(Intern(cell));
                return;
            }

            if (_forced == ColumnKind.Numeric)
            {
                // A column declared numeric keeps its unparsable cells as missing numbers.
                numbers.Add(double.NaN);
                _texts?.Add(Intern(cell));
                return;
            }

            LeaveNumbers(numbers);
        }

        _texts!.Add(missing ? null : Intern(cell));
    }

    /// <summary>Adds a number read from a typed (Parquet) column; NaN = missing.</summary>
    public void AddNumber(double value)
    {
        _count++;
        if (_numbers is { } numbers)
        {
            numbers.Add(value);
            _texts?.Add(double.IsNaN(value) ? null : CellParsing.FormatNumber(value));
            return;
        }

        _texts!.Add(double.IsNaN(value) ? null : Intern(CellParsing.FormatNumber(value)));
    }

    /// <summary>Sets the exact text of row <paramref name="row"/> during the second pass.</summary>
    public void SetRaw(int row, ReadOnlySpan<char> cell, bool present) =>
        _texts![row] = !present || _missing.IsMissing(cell) ? null : Intern(cell);

    public DataColumn Build()
    {
        if (_numbers is { } numbers)
        {
            var present = false;
            foreach (var x in numbers)
            {
                present |= !double.IsNaN(x);
            }

            if (present || _forced == ColumnKind.Numeric)
            {
                return DataColumn.Numeric(Name, [.. numbers], texts: _texts is null ? null : [.. _texts]);
            }

            // No value at all: categorical, as inference says for an empty column.
            return DataColumn.Labels(Name, _texts is null ? new string?[_count] : [.. _texts]);
        }

        string?[] texts = [.. _texts!];
        var kind = _forced ?? SchemaInference.InferLabels(texts);
        switch (kind)
        {
            case ColumnKind.DateTime:
                var times = new DateTime?[texts.Length];
                var parsed = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
                for (var i = 0; i < texts.Length; i++)
                {
                    if (texts[i] is { } text)
                    {
                        if (!parsed.TryGetValue(text, out var time))
                        {
                            parsed[text] = time = CellParsing.TryTime(text, out var t) ? t : null;
                        }

                        times[i] = time;
                    }
                }

                return DataColumn.DateTime(Name, times, _keepText ? texts : null);
            case ColumnKind.Binary:
                return DataColumn.Text(Name, texts, Core.Models.ColumnType.Binary);
            default:
                return DataColumn.Labels(Name, texts, kind);
        }
    }

    private void LeaveNumbers(List<double> numbers)
    {
        _numbers = null;
        if (_texts is null)
        {
            // The text of the numeric rows was not kept: placeholders now, the exact text in the second pass.
            _texts = new List<string?>(Math.Max(16, numbers.Count * 2));
            for (var i = 0; i < numbers.Count; i++)
            {
                _texts.Add(null);
                if (!double.IsNaN(numbers[i]))
                {
                    RawRowsNeeded = i + 1;
                }
            }
        }
    }

    private string Intern(ReadOnlySpan<char> cell)
    {
        if (!_intern)
        {
            return cell.ToString();
        }

        _pool ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(cell, out var existing))
        {
            return existing;
        }

        var text = cell.ToString();
        _pool[text] = text;
        return text;
    }
}
