using Keel.Core.Errors;
using Keel.Data;
using Keel.ML.Pipeline;

namespace Keel.ML.Data;

/// <summary>
/// Deterministic train/validation/test splits: shuffled with a seeded <see cref="Random"/>,
/// optionally stratified (each class split with the same fractions), or by time (oldest rows
/// train, then validation, newest test; ties keep file order).
/// </summary>
public static class DataSplitter
{
    /// <summary>A random split of <paramref name="rowCount"/> rows.</summary>
    public static DataSplit Random(int rowCount, double train, double validation, int seed)
    {
        var rows = Enumerable.Range(0, rowCount).ToArray();
        new Random(seed).Shuffle(rows);
        return Cut(rows, train, validation);
    }

    /// <summary>A stratified split: every class is shuffled and cut with the same fractions.</summary>
    /// <param name="labels">One class per row (null = its own group).</param>
    /// <param name="train">The training fraction.</param>
    /// <param name="validation">The validation fraction.</param>
    /// <param name="seed">The shuffle seed.</param>
    public static DataSplit Stratified(IReadOnlyList<string?> labels, double train, double validation, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            var key = labels[i] ?? string.Empty;
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(i);
        }

        var random = new Random(seed);
        List<int> trainRows = [], validationRows = [], testRows = [];
        foreach (var group in groups.Values)
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            var cut = Cut(rows, train, validation);
            trainRows.AddRange(cut.Train);
            validationRows.AddRange(cut.Validation);
            testRows.AddRange(cut.Test);
        }

        return new DataSplit(Sorted(trainRows), Sorted(validationRows), Sorted(testRows));
    }

    /// <summary>A time split: rows ordered by time; the first fraction trains, the last tests.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when a row has no time.</exception>
    public static DataSplit ByTime(IReadOnlyList<DateTime?> times, double train, double validation)
    {
        ArgumentNullException.ThrowIfNull(times);
        var missing = 0;
        for (var i = 0; i < times.Count; i++)
        {
            if (times[i] is null)
            {
                missing++;
            }
        }

        if (missing > 0)
        {
            throw KeelException.InvalidParameter($"split.time_column: {missing} rows have no parseable time.");
        }

        var rows = Enumerable.Range(0, times.Count).ToArray();
        var keys = times.Select(t => t!.Value.Ticks).ToArray();

        // Array.Sort is not stable; the row index breaks ties so equal times keep file order.
        Array.Sort(rows, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        var nTrain = (int)Math.Round(rows.Length * train);
        var nValidation = Math.Min((int)Math.Round(rows.Length * validation), rows.Length - nTrain);
        return new DataSplit(rows[..nTrain], rows[nTrain..(nTrain + nValidation)], rows[(nTrain + nValidation)..]);
    }

    /// <summary>The split a pipeline's <c>split:</c> section asks for.</summary>
    internal static DataSplit For(TabularData table, SplitSection split, IReadOnlyList<string?>? classLabels)
    {
        if (split.TimeColumn is not null)
        {
            var column = table[split.TimeColumn];
            var times = column.Times ?? column.Texts!.Select(v => CellParsing.TryTime(v, out var t) ? t : (DateTime?)null).ToArray();
            return ByTime(times, split.Train, split.Validation);
        }

        return split.Stratified && classLabels is not null
            ? Stratified(classLabels, split.Train, split.Validation, split.Seed)
            : Random(table.RowCount, split.Train, split.Validation, split.Seed);
    }

    private static DataSplit Cut(int[] shuffled, double train, double validation)
    {
        var nTrain = (int)Math.Round(shuffled.Length * train);
        var nValidation = Math.Min((int)Math.Round(shuffled.Length * validation), shuffled.Length - nTrain);
        return new DataSplit(
            Sorted(shuffled[..nTrain]),
            Sorted(shuffled[nTrain..(nTrain + nValidation)]),
            Sorted(shuffled[(nTrain + nValidation)..]));
    }

    private static int[] Sorted(IEnumerable<int> rows)
    {
        var array = rows.ToArray();
        Array.Sort(array);
        return array;
    }
}
