using Keel.ML.Pipeline;

namespace Keel.ML.Data;

/// <summary>
/// Decides a column's kind from its values: numeric when every present value is a number;
/// datetime when every present value is an ISO-like timestamp; text when values are long
/// (three or more words on average) or mostly unique; categorical otherwise. A column with no
/// values at all is categorical.
/// </summary>
public static class SchemaInference
{
    /// <summary>Above this share of distinct values (and this many distinct values) strings are text.</summary>
    private const double TextDistinctShare = 0.5;
    private const int TextMinDistinct = 100;

    /// <summary>Infers the kind of one column.</summary>
    public static ColumnKind Infer(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        bool numeric = true, time = true;
        var present = 0;
        long words = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                continue;
            }

            present++;
            numeric = numeric && ValueParsing.TryNumber(value, out _);
            time = time && !numeric && ValueParsing.TryTime(value, out _);
            if (!numeric)
            {
                distinct.Add(value);
                words += CountWords(value);
            }
        }

        if (present == 0)
        {
            return ColumnKind.Categorical;
        }

        if (numeric)
        {
            return ColumnKind.Numeric;
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
