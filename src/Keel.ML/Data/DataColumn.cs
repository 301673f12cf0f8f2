using Keel.ML.Pipeline;

namespace Keel.ML.Data;

/// <summary>One column of a <see cref="TabularData"/>: the raw text and, by kind, its parsed values.</summary>
public sealed class DataColumn
{
    internal DataColumn(string name, ColumnKind kind, string?[] values)
    {
        Name = name;
        Kind = kind;
        Values = values;
        if (kind == ColumnKind.Numeric)
        {
            Numbers = new double[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                Numbers[i] = ValueParsing.TryNumber(values[i], out var number) ? number : double.NaN;
            }
        }
        else if (kind == ColumnKind.DateTime)
        {
            Times = new DateTime?[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                Times[i] = ValueParsing.TryTime(values[i], out var time) ? time : null;
            }
        }
    }

    /// <summary>The column name from the header.</summary>
    public string Name { get; }

    /// <summary>How the column is featurised.</summary>
    public ColumnKind Kind { get; }

    /// <summary>The raw values; null = missing (an empty field).</summary>
    public IReadOnlyList<string?> Values { get; }

    /// <summary>Parsed numbers (NaN = missing or unparsable); only for numeric columns.</summary>
    public double[]? Numbers { get; }

    /// <summary>Parsed timestamps (null = missing); only for datetime columns.</summary>
    public DateTime?[]? Times { get; }

    /// <summary>The number of missing values.</summary>
    public int MissingCount
    {
        get
        {
            var missing = 0;
            for (var i = 0; i < Values.Count; i++)
            {
                if (Values[i] is null)
                {
                    missing++;
                }
            }

            return missing;
        }
    }

    internal string?[] RawArray => (string?[])Values;

    /// <summary>The rows <paramref name="rows"/>, in that order: raw values and the parsed numbers or times picked, not parsed again.</summary>
    internal DataColumn Take(int[] rows)
    {
        var raw = RawArray;
        var picked = new string?[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            picked[i] = raw[rows[i]];
        }

        double[]? numbers = null;
        if (Numbers is { } sourceNumbers)
        {
            numbers = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                numbers[i] = sourceNumbers[rows[i]];
            }
        }

        DateTime?[]? times = null;
        if (Times is { } sourceTimes)
        {
            times = new DateTime?[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                times[i] = sourceTimes[rows[i]];
            }
        }

        return new DataColumn(Name, Kind, picked, numbers, times);
    }

    private DataColumn(string name, ColumnKind kind, string?[] values, double[]? numbers, DateTime?[]? times)
    {
        Name = name;
        Kind = kind;
        Values = values;
        Numbers = numbers;
        Times = times;
    }

}
