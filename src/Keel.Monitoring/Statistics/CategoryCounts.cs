namespace Keel.Monitoring.Statistics;

/// <summary>
/// Reference and current counts aligned on the sorted (ordinal) union of categories seen on either
/// side; null values are counted as missing, not as a category.
/// </summary>
/// <param name="Categories">Sorted union of categories.</param>
/// <param name="ReferenceCounts">Reference count per category.</param>
/// <param name="CurrentCounts">Current count per category.</param>
/// <param name="ReferenceMissing">Null values in the reference.</param>
/// <param name="CurrentMissing">Null values in the current sample.</param>
public sealed record CategoryCounts(string[] Categories, long[] ReferenceCounts, long[] CurrentCounts, long ReferenceMissing, long CurrentMissing)
{
    /// <summary>Non-null reference values.</summary>
    public long ReferenceTotal => Sum(ReferenceCounts);

    /// <summary>Non-null current values.</summary>
    public long CurrentTotal => Sum(CurrentCounts);

    /// <summary>Categories seen in current but not in reference.</summary>
    public IEnumerable<string> NewInCurrent => Categories.Where((_, i) => ReferenceCounts[i] == 0);

    /// <summary>Categories seen in reference but not in current.</summary>
    public IEnumerable<string> MissingInCurrent => Categories.Where((_, i) => CurrentCounts[i] == 0);

    /// <summary>Counts both samples.</summary>
    public static CategoryCounts From(IReadOnlyList<string?> reference, IReadOnlyList<string?> current)
    {
        var index = new Dictionary<string, (long Ref, long Cur)>(StringComparer.Ordinal);
        long rm = Tally(reference, index, isReference: true);
        long cm = Tally(current, index, isReference: false);
        var categories = index.Keys.ToArray();
        Array.Sort(categories, StringComparer.Ordinal);
        var rc = new long[categories.Length];
        var cc = new long[categories.Length];
        for (int i = 0; i < categories.Length; i++)
        {
            (rc[i], cc[i]) = index[categories[i]];
        }

        return new CategoryCounts(categories, rc, cc, rm, cm);
    }

    private static long Tally(IReadOnlyList<string?> values, Dictionary<string, (long Ref, long Cur)> index, bool isReference)
    {
        long missing = 0;
        for (int i = 0; i < values.Count; i++)
        {
            string? v = values[i];
            if (v is null)
            {
                missing++;
                continue;
            }

            var c = index.GetValueOrDefault(v);
            index[v] = isReference ? (c.Ref + 1, c.Cur) : (c.Ref, c.Cur + 1);
        }

        return missing;
    }

    private static long Sum(long[] counts)
    {
        long s = 0;
        foreach (long c in counts)
        {
            s += c;
        }

        return s;
    }
}
