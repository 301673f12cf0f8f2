using Keel.Core.Data;

namespace Keel.Data;

/// <summary>
/// Decides a column's kind from its present (non-missing) values: numeric when every one is a
/// number (<see cref="CellParsing.TryNumber(ReadOnlySpan{char}, out double)"/>); datetime when
/// every one is an ISO-like timestamp; text when values are long (three or more words on average)
/// or mostly unique (at least 100 distinct values and more than half the present ones);
/// categorical otherwise. A column with no present values is categorical.
/// </summary>
public static class SchemaInference
{
    private const double TextDistinctShare = 0.5;
    private const int TextMinDistinct = 100;

    /// <summary>Infers the kind of a column given as text (null = missing).</summary>
    public static ColumnKind Infer(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var numeric = true;
        for (var i = 0; i < values.Count && numeric; i++)
        {
            numeric = values[i] is not { } v || CellParsing.TryNumber(v, out _);
        }

        var present = 0;
        for (var i = 0; i < values.Count; i++)
        {
            present += values[i] is null ? 0 : 1;
        }

        if (present == 0)
        {
            return ColumnKind.Categorical;
        }

        return numeric ? ColumnKind.Numeric : InferLabels(values);
    }

    /// <summary>The kind of a column that is known not to be numeric: datetime, text or categorical.</summary>
    internal static ColumnKind InferLabels(IReadOnlyList<string?> values)
    {
        var distinct = new Dictionary<string, int>(StringComparer.Ordinal);
        var present = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } v)
            {
                present++;
                distinct[v] = distinct.GetValueOrDefault(v) + 1;
            }
        }

        if (present == 0)
        {
            return ColumnKind.Categorical;
        }

        var time = true;
        long words = 0;
        foreach (var (value, count) in distinct)
        {
            time = time && CellParsing.TryTime(value, out _);
            words += (long)CountWords(value) * count;
        }

        if (time)
        {
            return ColumnKind.DateTime;
        }

        var manyDistinct = distinct.Count >= TextMinDistinct && distinct.Count > TextDistinctShare * present;
        return (double)words / present >= 3 || manyDistinct ? ColumnKind.Text : ColumnKind.Categorical;
    }

    private static int CountWords(string value)
    {
        var words = 0;
        var inWord = false;
        foreach (var ch in value)
        {
            var space = char.IsWhiteSpace(ch);
            if (!space && !inWord)
            {
                words++;
            }

            inWord = !space;
        }

        return words;
    }
}
