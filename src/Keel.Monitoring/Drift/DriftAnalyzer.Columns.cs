using Keel.Core.Data;
using System.Globalization;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Drift;

public static partial class DriftAnalyzer
{
    private const int MaxChartCategories = 20;

    private static ColumnDriftResult AnalyzeNumeric(string name, double[] reference, double[] current, ColumnTestOverride? ov, int bins)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        var refSide = new SideSummary(a.Length, reference.Length - a.Length, Samples.DistinctSorted(a));
        var curSide = new SideSummary(b.Length, current.Length - b.Length, Samples.DistinctSorted(b));
        var result = new ColumnDriftResult { Column = name, Kind = ColumnKind.Numeric, Status = ColumnStatus.Tested, Reference = refSide, Current = curSide };
        if (a.Length == 0 || b.Length == 0)
        {
            return result with { Status = ColumnStatus.NoValues, Reason = a.Length == 0 ? "no reference value (all missing)" : "no current value (all missing)" };
        }

        var chart = NumericChart(a, b, bins);
        int distinct = Samples.DistinctSortedUnion(a, b);
        if (distinct == 1)
        {
            return result with { Status = ColumnStatus.Constant, Chart = chart, Reason = $"constant: every value is {a[0].ToString("R", CultureInfo.InvariantCulture)} on both sides" };
        }

        var (method, threshold, auto) = Resolve(ov, ColumnKind.Numeric, a.Length, distinct);
        MethodOutcome outcome;
        if (method.SupportsNumeric && !(auto && distinct <= TestSelection.FewDistinctValues))
        {
            outcome = Run(() => method.NumericTest!(a, b));
        }
        else
        {
            var counts = CountsOfSortedNumbers(a, b, refSide.Missing, curSide.Missing);
            outcome = Run(() => method.CategoricalTest!(counts));
            chart = CategoryChart(counts);
        }

        return WithOutcome(result with { Chart = chart }, method, threshold, auto, outcome);
    }

    private static ColumnDriftResult AnalyzeCategorical(string name, string?[] reference, string?[] current, ColumnTestOverride? ov)
    {
        var counts = CategoryCounts.From(reference, current);
        var refSide = new SideSummary(counts.ReferenceTotal, counts.ReferenceMissing, counts.ReferenceCounts.Count(c => c > 0));
        var curSide = new SideSummary(counts.CurrentTotal, counts.CurrentMissing, counts.CurrentCounts.Count(c => c > 0));
        var result = new ColumnDriftResult
        {
            Column = name,
            Kind = ColumnKind.Categorical,
            Status = ColumnStatus.Tested,
            Reference = refSide,
            Current = curSide,
            Chart = CategoryChart(counts),
        };
        if (counts.ReferenceTotal == 0 || counts.CurrentTotal == 0)
        {
            return result with { Status = ColumnStatus.NoValues, Reason = counts.ReferenceTotal == 0 ? "no reference value (all missing)" : "no current value (all missing)" };
        }

        if (counts.Categories.Length == 1)
        {
            return result with { Status = ColumnStatus.Constant, Reason = $"constant: every value is '{counts.Categories[0]}' on both sides" };
        }

        var (method, threshold, auto) = Resolve(ov, ColumnKind.Categorical, counts.ReferenceTotal, counts.Categories.Length);
        if (!method.SupportsCategorical)
        {
            return result with { Status = ColumnStatus.NotApplicable, Test = method.Name, MethodKind = method.Kind, Threshold = threshold, Reason = $"{method.Name} needs numeric data" };
        }

        return WithOutcome(result, method, threshold, auto, Run(() => method.CategoricalTest!(counts)));
    }

    private static (DriftMethod Method, double Threshold, bool Auto) Resolve(ColumnTestOverride? ov, ColumnKind kind, long referenceCount, int distinct)
    {
        if (ov is not null)
        {
            var m = DriftMethods.Get(ov.Test);
            return (m, ov.Threshold ?? m.DefaultThreshold, false);
        }

        var auto = TestSelection.Choose(kind, referenceCount, distinct);
        return (auto, auto.DefaultThreshold, true);
    }

    private static MethodOutcome Run(Func<MethodOutcome> test)
    {
        try
        {
            return test();
        }
        catch (ArgumentException ex)
        {
            return MethodOutcome.Inapplicable(ex.Message);
        }
    }

    private static ColumnDriftResult WithOutcome(ColumnDriftResult result, DriftMethod method, double threshold, bool auto, MethodOutcome outcome)
    {
        result = result with { Test = method.Name, MethodKind = method.Kind, Threshold = threshold, AutoSelected = auto, Reason = outcome.NotApplicable ?? outcome.Detail };
        if (outcome.NotApplicable is not null)
        {
            return result with { Status = ColumnStatus.NotApplicable };
        }

        return result with { Statistic = outcome.Statistic, PValue = outcome.PValue };
    }

    private static CategoryCounts CountsOfSortedNumbers(double[] a, double[] b, long refMissing, long curMissing)
    {
        var labels = new List<string>();
        var rc = new List<long>();
        var cc = new List<long>();
        Ranks.ForEachTieGroup(a, b, (_, countA, countB, firstA, firstB) =>
        {
            double v = countA > 0 ? a[firstA] : b[firstB];
            labels.Add(v.ToString("R", CultureInfo.InvariantCulture));
            rc.Add(countA);
            cc.Add(countB);
        });

        return new CategoryCounts([.. labels], [.. rc], [.. cc], refMissing, curMissing);
    }

    /// <summary>
    /// Histogram over the 0.5%–99.5% range of both samples with open-ended outer bins, so a few
    /// extreme values do not squash the chart into one bar (outliers land in the outer bins).
    /// </summary>
    private static ColumnChart NumericChart(double[] a, double[] b, int bins)
    {
        double min = Math.Min(At(a, 0.005), At(b, 0.005)), max = Math.Max(At(a, 0.995), At(b, 0.995));
        if (!(max > min))
        {
            (min, max) = (Math.Min(a[0], b[0]), Math.Max(a[^1], b[^1]));
        }

        var edges = Binning.EqualWidthEdges(min, max, bins);
        var rc = new long[bins];
        var cc = new long[bins];
        Binning.CountInto(a, edges, rc, BinningMode.OpenEnded);
        Binning.CountInto(b, edges, cc, BinningMode.OpenEnded);
        var labels = new string[bins];
        for (int k = 0; k < bins; k++)
        {
            labels[k] = (k == 0 ? "<" : "") + edges[k + (k == 0 ? 1 : 0)].ToString("G4", CultureInfo.InvariantCulture);
        }

        if (bins > 1)
        {
            labels[^1] = "≥" + edges[bins - 1].ToString("G4", CultureInfo.InvariantCulture);
        }

        return new ColumnChart(labels, rc, cc, edges);
    }

    private static double At(double[] sorted, double level) => sorted[(int)Math.Round(level * (sorted.Length - 1))];

    private static ColumnChart CategoryChart(CategoryCounts counts)
    {
        var order = Enumerable.Range(0, counts.Categories.Length)
            .OrderByDescending(k => counts.ReferenceCounts[k] + counts.CurrentCounts[k])
            .ThenBy(k => counts.Categories[k], StringComparer.Ordinal)
            .ToArray();
        var top = order.Take(MaxChartCategories).ToList();
        var labels = top.Select(k => counts.Categories[k]).ToList();
        var rc = top.Select(k => counts.ReferenceCounts[k]).ToList();
        var cc = top.Select(k => counts.CurrentCounts[k]).ToList();
        if (order.Length > MaxChartCategories)
        {
            var rest = order.Skip(MaxChartCategories).ToArray();
            labels.Add($"({rest.Length} others)");
            rc.Add(rest.Sum(k => counts.ReferenceCounts[k]));
            cc.Add(rest.Sum(k => counts.CurrentCounts[k]));
        }

        return new ColumnChart([.. labels], [.. rc], [.. cc], null);
    }
}
