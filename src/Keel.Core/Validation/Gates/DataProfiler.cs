using Keel.Core.Data;
using Keel.Core.Errors;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// Computes <see cref="DataProfile"/>s in one pass per column. Profiling new data against the
/// training profile also counts values outside the training range and unseen categories, which
/// the quality gate needs exactly.
/// </summary>
public static class DataProfiler
{
    /// <summary>Profiles a data set.</summary>
    /// <exception cref="KeelException">Columns differ in length, or a name repeats.</exception>
    public static DataProfile Profile(IReadOnlyList<DataColumn> columns, ProfileOptions? options = null) =>
        Profile(columns, null, options);

    /// <summary>Profiles a data set and compares each column with the same-named column of <paramref name="reference"/>.</summary>
    /// <exception cref="KeelException">Columns differ in length, or a name repeats.</exception>
    public static DataProfile Profile(IReadOnlyList<DataColumn> columns, DataProfile? reference, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        options ??= new ProfileOptions();
        if (options.MaxCategories < 1)
        {
            throw KeelException.InvalidParameter($"max_categories must be at least 1, got {options.MaxCategories}.");
        }

        var rows = columns.Count == 0 ? 0 : columns[0].Length;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (column.Length != rows)
            {
                throw KeelException.InvalidParameter($"Column '{column.Name}' has {column.Length} rows; '{columns[0].Name}' has {rows}.");
            }

            if (!names.Add(column.Name))
            {
                throw KeelException.InvalidParameter($"Column '{column.Name}' appears more than once.");
            }
        }

        var profiles = new List<ColumnProfile>(columns.Count);
        foreach (var column in columns)
        {
            var against = reference?.Find(column.Name);
            profiles.Add(column.Numbers is { } numbers ? ProfileNumbers(column, numbers, against)
                : column.Texts is { } texts ? ProfileTexts(column, texts, against, options.MaxCategories)
                : ProfilePresence(column));
        }

        return new DataProfile(rows, profiles);
    }

    private static ColumnProfile ProfileNumbers(DataColumn column, double[] values, ColumnProfile? reference)
    {
        long count = 0;
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var (low, high) = reference is { Min: { } rmin, Max: { } rmax } ? (rmin, rmax) : (double.NaN, double.NaN);
        var compare = !double.IsNaN(low);
        long outside = 0;
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            var v = value;
            count++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            if (compare && (v < low || v > high))
            {
                outside++;
            }
        }

        return new ColumnProfile(column.Name, column.Type, count, values.Length - count)
        {
            Min = count > 0 ? min : null,
            Max = count > 0 ? max : null,
            OutOfRangeCount = compare ? outside : null,
        };
    }

    /// <summary>A column held only as timestamps: counts and missing values.</summary>
    private static ColumnProfile ProfilePresence(DataColumn column)
    {
        var missing = column.MissingCount;
        return new ColumnProfile(column.Name, column.Type, column.Length - missing, missing);
    }

    private static ColumnProfile ProfileTexts(DataColumn column, string?[] values, ColumnProfile? reference, int maxCategories)
    {
        var categorical = ColumnKinds.Of(column.Type) == ColumnKind.Categorical;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            count++;
            if (categorical)
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        var profile = new ColumnProfile(column.Name, column.Type, count, values.Length - count);
        if (!categorical)
        {
            return profile;
        }

        var ordered = counts
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        var kept = ordered.Take(maxCategories).Select(p => new CategoryCount(p.Key, p.Value)).ToList();
        long other = 0;
        for (var i = kept.Count; i < ordered.Count; i++)
        {
            other += ordered[i].Value;
        }

        return profile with
        {
            Categories = kept,
            OtherCount = other,
            UnseenCount = reference is { Categories: { } known, OtherCount: 0 } ? CountUnseen(counts, known) : null,
        };
    }

    private static long CountUnseen(Dictionary<string, long> counts, IReadOnlyList<CategoryCount> known)
    {
        var seen = new HashSet<string>(known.Select(c => c.Value), StringComparer.Ordinal);
        long unseen = 0;
        foreach (var (value, n) in counts)
        {
            if (!seen.Contains(value))
            {
                unseen += n;
            }
        }

        return unseen;
    }
}
