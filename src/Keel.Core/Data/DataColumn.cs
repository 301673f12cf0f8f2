using Keel.Core.Models;

namespace Keel.Core.Data;

/// <summary>
/// One column of a table, held by column: the one column type that the table reader produces and
/// training, validation gates and drift consume. A numeric column holds <see cref="Numbers"/>
/// (NaN = missing), a date/time column <see cref="Times"/> (null = missing), and every other kind
/// <see cref="Texts"/> (null = missing). Numeric and date/time columns also carry their cell text
/// in <see cref="Texts"/> when the reader was asked to keep it (training does; drift does not).
/// The arrays are not copied; do not change them after creating the column.
/// </summary>
public sealed partial class DataColumn
{
    private DataColumn(string name, ColumnKind kind, ColumnType type, double[]? numbers, string?[]? texts, DateTime?[]? times)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Kind = kind;
        Type = type;
        Numbers = numbers;
        Texts = texts;
        Times = times;
        Length = numbers?.Length ?? times?.Length ?? texts?.Length ?? 0;
        if ((texts is not null && texts.Length != Length) || (times is not null && times.Length != Length))
        {
            throw new ArgumentException($"Column '{name}': its arrays differ in length.", nameof(texts));
        }
    }

    /// <summary>The column name from the header (may be empty, as pandas' unnamed index column).</summary>
    public string Name { get; }

    /// <summary>What the column holds.</summary>
    public ColumnKind Kind { get; }

    /// <summary>The signature type: <see cref="ColumnType.Double"/> for numbers read from files, or the type a caller gave.</summary>
    public ColumnType Type { get; }

    /// <summary>The numbers of a numeric column (NaN = missing); null for other kinds.</summary>
    public double[]? Numbers { get; }

    /// <summary>The cell text (null = missing): always set for categorical, text and binary columns; for numeric and date/time columns only when kept.</summary>
    public string?[]? Texts { get; }

    /// <summary>The timestamps of a date/time column (UTC; null = missing or unparsable); null for other kinds, and for date/time columns given only as text.</summary>
    public DateTime?[]? Times { get; }

    /// <summary>The number of rows, missing values included.</summary>
    public int Length { get; }

    /// <summary>True when row <paramref name="row"/> is missing.</summary>
    public bool IsMissing(int row) =>
        Numbers is { } numbers ? double.IsNaN(numbers[row])
        : Times is { } times ? times[row] is null
        : Texts![row] is null;

    /// <summary>The number of missing values.</summary>
    public int MissingCount
    {
        get
        {
            var missing = 0;
            for (var i = 0; i < Length; i++)
            {
                missing += IsMissing(i) ? 1 : 0;
            }

            return missing;
        }
    }

    /// <summary>A numeric column.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The numbers; NaN for missing. Not copied.</param>
    /// <param name="type">A numeric signature type.</param>
    /// <param name="texts">The cell text, or null when not kept.</param>
    /// <value>The type defaults to <see cref="ColumnType.Double"/>.</value>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not numeric.</exception>
    public static DataColumn Numeric(string name, double[] values, ColumnType type = ColumnType.Double, string?[]? texts = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (ColumnKinds.Of(type) != ColumnKind.Numeric)
        {
            throw new ArgumentException($"Column '{name}': {type.ToName()} is not a numeric type; use DataColumn.Text.", nameof(type));
        }

        return new DataColumn(name, ColumnKind.Numeric, type, values, texts, null);
    }

    /// <summary>A numeric column from nullable numbers (null or NaN = missing); the values are copied.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The numbers.</param>
    /// <param name="type">A numeric signature type.</param>
    /// <value>The type defaults to <see cref="ColumnType.Double"/>.</value>
    public static DataColumn Numeric(string name, double?[] values, ColumnType type = ColumnType.Double)
    {
        ArgumentNullException.ThrowIfNull(values);
        var numbers = new double[values.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = values[i] ?? double.NaN;
        }

        return Numeric(name, numbers, type);
    }

    /// <summary>A column of labels of the kind of <paramref name="type"/> (categorical, boolean, date given as text, binary).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The values; null for missing. Not copied.</param>
    /// <param name="type">A non-numeric signature type.</param>
    /// <value>The type defaults to <see cref="ColumnType.String"/>.</value>
    /// <exception cref="ArgumentException"><paramref name="type"/> is numeric.</exception>
    public static DataColumn Text(string name, string?[] values, ColumnType type = ColumnType.String)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (ColumnKinds.Of(type) == ColumnKind.Numeric)
        {
            throw new ArgumentException($"Column '{name}': {type.ToName()} is numeric; use DataColumn.Numeric.", nameof(type));
        }

        return new DataColumn(name, ColumnKinds.Of(type), type, null, values, null);
    }

    /// <summary>A column of labels of kind <see cref="ColumnKind.Categorical"/> or <see cref="ColumnKind.Text"/>.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The labels; null for missing. Not copied.</param>
    /// <param name="kind">Categorical or text.</param>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is neither.</exception>
    public static DataColumn Labels(string name, string?[] values, ColumnKind kind = ColumnKind.Categorical)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!kind.IsLabels())
        {
            throw new ArgumentException($"Column '{name}': {kind} is not a label kind.", nameof(kind));
        }

        return new DataColumn(name, kind, ColumnType.String, null, values, null);
    }

    /// <summary>A date/time column.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="times">The timestamps (UTC); null for missing. Not copied.</param>
    /// <param name="texts">The cell text, or null when not kept.</param>
    public static DataColumn DateTime(string name, DateTime?[] times, string?[]? texts = null)
    {
        ArgumentNullException.ThrowIfNull(times);
        return new DataColumn(name, ColumnKind.DateTime, ColumnType.DateTime, null, texts, times);
    }

    /// <summary>The rows <paramref name="rows"/>, in that order.</summary>
    public DataColumn Take(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new DataColumn(Name, Kind, Type, Pick(Numbers, rows), Pick(Texts, rows), Pick(Times, rows));
    }

    /// <summary>The rows where <paramref name="keep"/> is true.</summary>
    public DataColumn Select(bool[] keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var rows = new List<int>(keep.Length);
        for (var i = 0; i < keep.Length; i++)
        {
            if (keep[i])
            {
                rows.Add(i);
            }
        }

        return Take([.. rows]);
    }

    private static T[]? Pick<T>(T[]? values, int[] rows)
    {
        if (values is null)
        {
            return null;
        }

        var picked = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            picked[i] = values[rows[i]];
        }

        return picked;
    }
}
