using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// A summary of a data set, column by column: what the quality gate compares new data with.
/// Training stores its profile with the model (serialise with <c>KeelJson.Options</c>); see
/// docs/validation-gates.md for the JSON form. Build one with <see cref="DataProfiler"/>.
/// </summary>
/// <param name="RowCount">The number of rows.</param>
/// <param name="Columns">One profile per column, in input order.</param>
public sealed record DataProfile(long RowCount, IReadOnlyList<ColumnProfile> Columns)
{
    /// <summary>The column with this exact name, or null.</summary>
    public ColumnProfile? Find(string name)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Name, name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }
}

/// <summary>The profile of one column.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The column type.</param>
/// <param name="Count">Values present (not missing).</param>
/// <param name="MissingCount">Missing values (null, or NaN for numbers).</param>
public sealed record ColumnProfile(string Name, ColumnType Type, long Count, long MissingCount)
{
    /// <summary>Missing values as a share of rows; 0 for an empty data set.</summary>
    public double MissingShare => Count + MissingCount == 0 ? 0 : (double)MissingCount / (Count + MissingCount);

    /// <summary>The smallest value of a numeric column; null when none or not numeric.</summary>
    public double? Min { get; init; }

    /// <summary>The largest value of a numeric column; null when none or not numeric.</summary>
    public double? Max { get; init; }

    /// <summary>
    /// The most frequent categories of a categorical column with their counts, most frequent
    /// first (ties in ordinal order), at most <see cref="ProfileOptions.MaxCategories"/>; null when
    /// not categorical.
    /// </summary>
    public IReadOnlyList<CategoryCount>? Categories { get; init; }

    /// <summary>Values in categories beyond the cap; 0 means <see cref="Categories"/> is complete.</summary>
    /// <value>Null when not categorical.</value>
    public long? OtherCount { get; init; }

    /// <summary>
    /// Values outside the reference profile's [min, max]; set only when profiled against a
    /// reference (<see cref="DataProfiler.Profile(IReadOnlyList{DataColumn}, DataProfile, ProfileOptions?)"/>).
    /// </summary>
    public long? OutOfRangeCount { get; init; }

    /// <summary>
    /// Values in categories the reference profile never saw; set only when profiled against a
    /// reference whose category list is complete.
    /// </summary>
    public long? UnseenCount { get; init; }
}

/// <summary>One category and how often it occurred.</summary>
/// <param name="Value">The category.</param>
/// <param name="Count">Its number of occurrences.</param>
public sealed record CategoryCount(string Value, long Count);

/// <summary>Options for <see cref="DataProfiler"/>.</summary>
public sealed class ProfileOptions
{
    /// <summary>The most categories kept per column; the rest are summed in <see cref="ColumnProfile.OtherCount"/>.</summary>
    /// <value>1000.</value>
    public int MaxCategories { get; init; } = 1000;
}
