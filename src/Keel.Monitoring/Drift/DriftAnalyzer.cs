using Keel.Core.Data;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Drift;

/// <summary>
/// Compares current data with reference data column by column: chooses a method per column
/// (<see cref="TestSelection"/> unless overridden), runs it, corrects p-values across columns and
/// gives a dataset verdict. Numeric samples are sorted once per column and shared by the test and
/// the chart; columns are processed in parallel.
/// </summary>
public static partial class DriftAnalyzer
{
    /// <summary>True for the columns drift compares: numeric (numbers) and categorical or text (labels).</summary>
    public static bool Compares(DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Kind == ColumnKind.Numeric ? column.Numbers is not null : column.Kind.IsLabels() && column.Texts is not null;
    }

    /// <summary>Compares two datasets given as columns (matched by name): numeric columns as numbers, categorical and text columns as labels.</summary>
    /// <exception cref="Keel.Core.Errors.KeelException">Invalid options.</exception>
    /// <exception cref="ArgumentException">A date/time or binary column (see <see cref="Compares"/>).</exception>
    public static DriftReport Compare(IReadOnlyList<DataColumn> reference, IReadOnlyList<DataColumn> current, DriftOptions? options = null)
    {
        options ??= new DriftOptions();
        options.Validate();
        foreach (var column in reference.Concat(current))
        {
            if (!Compares(column))
            {
                throw new ArgumentException($"Column '{column.Name}' is {column.Kind}; drift compares numeric, categorical and text columns (use date/time columns in filters).", nameof(reference));
            }
        }

        var refByName = reference.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var curByName = current.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var names = options.Columns.Count > 0
            ? options.Columns.ToList()
            : reference.Select(c => c.Name).Concat(current.Select(c => c.Name).Where(n => !refByName.ContainsKey(n))).ToList();
        foreach (var name in options.Columns)
        {
            if (!refByName.ContainsKey(name) && !curByName.ContainsKey(name))
            {
                throw Keel.Core.Errors.KeelException.InvalidParameter($"Column '{name}' is in neither dataset.");
            }
        }

        var results = new ColumnDriftResult[names.Count];
        Parallel.For(0, names.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, i =>
        {
            string name = names[i];
            options.Overrides.TryGetValue(name, out var ov);
            results[i] = AnalyzeColumn(name, refByName.GetValueOrDefault(name), curByName.GetValueOrDefault(name), ov, options.ReportBins);
        });

        Decide(results, options.Correction);
        var ordered = results
            .OrderBy(r => r.Status is ColumnStatus.Tested or ColumnStatus.Constant ? 0 : 1)
            .ThenByDescending(r => r.Drifted)
            .ThenByDescending(r => r.Severity)
            .ThenBy(r => r.Column, StringComparer.Ordinal)
            .ToArray();
        int compared = results.Count(r => r.Status is not (ColumnStatus.MissingInCurrent or ColumnStatus.MissingInReference));
        int drifted = results.Count(r => r.Drifted);
        double share = compared == 0 ? 0 : drifted / (double)compared;
        return new DriftReport
        {
            Columns = ordered,
            ReferenceRows = reference.Count == 0 ? 0 : reference.Max(c => c.Length),
            CurrentRows = current.Count == 0 ? 0 : current.Max(c => c.Length),
            Correction = options.Correction,
            ComparedColumns = compared,
            DriftedColumns = drifted,
            DriftedShare = share,
            DriftShareThreshold = options.DriftShare,
            DatasetDrift = compared > 0 && share >= options.DriftShare,
        };
    }

    /// <summary>Applies the correction to every p-value result and sets verdicts and severities.</summary>
    private static void Decide(ColumnDriftResult[] results, MultipleTestingCorrection correction)
    {
        var pIdx = new List<int>();
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is { Status: ColumnStatus.Tested, MethodKind: DriftMethodKind.PValue, PValue: not null })
            {
                pIdx.Add(i);
            }
        }

        var raw = pIdx.Select(i => results[i].PValue!.Value).ToArray();
        var adjusted = MultipleTesting.Adjust(raw, correction);
        for (int k = 0; k < pIdx.Count; k++)
        {
            var r = results[pIdx[k]];
            double p = adjusted[k], t = r.Threshold!.Value;
            double severity = p <= 0 ? double.MaxValue : Math.Log(p) / Math.Log(t);
            results[pIdx[k]] = r with { AdjustedPValue = p, Drifted = p < t, Severity = severity };
        }

        for (int i = 0; i < results.Length; i++)
        {
            var r = results[i];
            if (r is { Status: ColumnStatus.Tested, MethodKind: DriftMethodKind.Distance, Statistic: { } d })
            {
                double t = r.Threshold!.Value;
                results[i] = r with { Drifted = d > t, Severity = t > 0 ? d / t : (d > 0 ? double.MaxValue : 0) };
            }
        }
    }

    private static ColumnDriftResult AnalyzeColumn(string name, DataColumn? reference, DataColumn? current, ColumnTestOverride? ov, int bins)
    {
        if (reference is null || current is null)
        {
            var present = (reference ?? current)!;
            var summary = Summarize(present);
            return new ColumnDriftResult
            {
                Column = name,
                Kind = present.Kind == ColumnKind.Numeric ? ColumnKind.Numeric : ColumnKind.Categorical,
                Status = reference is null ? ColumnStatus.MissingInReference : ColumnStatus.MissingInCurrent,
                Reason = reference is null ? "column is absent from the reference data" : "column is absent from the current data",
                Reference = reference is null ? null : summary,
                Current = current is null ? null : summary,
            };
        }

        if (reference.Kind == ColumnKind.Numeric && current.Kind == ColumnKind.Numeric)
        {
            return AnalyzeNumeric(name, reference.Numbers!, current.Numbers!, ov, bins);
        }

        return AnalyzeCategorical(name, AsLabels(reference), AsLabels(current), ov);
    }

    private static SideSummary Summarize(DataColumn column)
    {
        if (column.Kind == ColumnKind.Numeric)
        {
            var sorted = Samples.SortedWithoutNaN(column.Numbers!);
            return new SideSummary(sorted.Length, column.Length - sorted.Length, Samples.DistinctSorted(sorted));
        }

        var labels = column.Texts!;
        long missing = labels.Count(l => l is null);
        return new SideSummary(labels.Length - missing, missing, labels.Where(l => l is not null).Distinct(StringComparer.Ordinal).Count());
    }

    private static string?[] AsLabels(DataColumn column) =>
        column.Texts ?? column.Numbers!.Select(v => double.IsNaN(v) ? null : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
