using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// Compares new data with the training data, column by column: the share of missing values,
/// the share of numeric values outside the training range, the share of unseen categories.
/// Columns the current data lacks fail; columns training never saw are left to
/// <see cref="SchemaGate"/>. Shares of values are taken over present (non-missing) values;
/// missing shares over rows.
/// </summary>
public static class QualityGate
{
    /// <summary>
    /// Profiles <paramref name="current"/> against <paramref name="training"/> and evaluates it:
    /// the exact path, counting every value outside the training range.
    /// </summary>
    public static QualityGateResult Evaluate(DataProfile training, IReadOnlyList<DataColumn> current, QualityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        return Evaluate(training, DataProfiler.Profile(current, training), options);
    }

    /// <summary>
    /// Evaluates a current profile against the training profile. Range and unseen-category shares
    /// are exact when <paramref name="current"/> was profiled against <paramref name="training"/>
    /// (<see cref="DataProfiler.Profile(IReadOnlyList{DataColumn}, DataProfile?, ProfileOptions?)"/>);
    /// otherwise they are derived from min/max and category lists where that is exact, and the
    /// check fails with a reason where it is not.
    /// </summary>
    /// <exception cref="Errors.KeelException">The options are out of range.</exception>
    public static QualityGateResult Evaluate(DataProfile training, DataProfile current, QualityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(current);
        options ??= new QualityOptions();
        options.Validate();

        var checks = new List<QualityCheck>();
        var enoughRows = current.RowCount >= options.MinRows;
        checks.Add(new QualityCheck(null, QualityCheckKind.RowCount, current.RowCount, options.MinRows,
            enoughRows ? GateOutcome.Passed : GateOutcome.Failed,
            enoughRows
                ? $"The data has {current.RowCount} rows."
                : $"The data has {current.RowCount} rows; at least {options.MinRows} are needed."));

        foreach (var trained in training.Columns)
        {
            var now = current.Find(trained.Name);
            if (now is null)
            {
                checks.Add(new QualityCheck(trained.Name, QualityCheckKind.Present, null, null, GateOutcome.Failed,
                    $"Column '{trained.Name}' is in the training data but missing from the current data."));
                continue;
            }

            checks.Add(MissingShare(trained, now, options));
            if (ColumnKinds.Of(now.Type) != ColumnKinds.Of(trained.Type))
            {
                checks.Add(new QualityCheck(trained.Name, QualityCheckKind.Type, null, null, GateOutcome.Failed,
                    $"Column '{trained.Name}' was {trained.Type.ToName()} in training but is {now.Type.ToName()} now; its values cannot be compared."));
                continue;
            }

            switch (ColumnKinds.Of(trained.Type))
            {
                case ColumnKind.Numeric:
                    checks.Add(OutOfRange(trained, now, options));
                    break;
                case ColumnKind.Categorical:
                    checks.Add(Unseen(trained, now, options));
                    break;
                default:
                    break;
            }
        }

        return new QualityGateResult(checks);
    }

    private static QualityCheck MissingShare(ColumnProfile trained, ColumnProfile now, QualityOptions options)
    {
        var bound = Math.Min(1, trained.MissingShare + options.MissingShareTolerance);
        var share = now.MissingShare;
        var passed = share <= bound + ShareSlack;
        return new QualityCheck(trained.Name, QualityCheckKind.MissingShare, share, bound,
            passed ? GateOutcome.Passed : GateOutcome.Failed,
            $"Column '{trained.Name}' is {Percent(share)} missing (training {Percent(trained.MissingShare)}, tolerance {Percent(options.MissingShareTolerance)})"
            + (passed ? "." : "; too many missing values."));
    }

    private static QualityCheck OutOfRange(ColumnProfile trained, ColumnProfile now, QualityOptions options)
    {
        var bound = options.OutOfRangeTolerance;
        if (trained is not { Min: { } min, Max: { } max })
        {
            return new QualityCheck(trained.Name, QualityCheckKind.OutOfRangeShare, null, bound, GateOutcome.Skipped,
                $"Column '{trained.Name}' had no values in training, so there is no range to hold it to.");
        }

        long? outside = now.OutOfRangeCount;
        if (outside is null && (now.Count == 0 || (now.Min >= min && now.Max <= max)))
        {
            outside = 0;
        }

        var range = $"[{Format.Number(min)}, {Format.Number(max)}]";
        if (outside is not { } n)
        {
            return new QualityCheck(trained.Name, QualityCheckKind.OutOfRangeShare, null, bound, GateOutcome.Failed,
                $"Column '{trained.Name}' has values outside the training range {range} (now [{Format.Number(now.Min)}, {Format.Number(now.Max)}]), "
                + "but this profile was not computed against the training profile, so their share is unknown.");
        }

        return ShareOfValues(trained.Name, QualityCheckKind.OutOfRangeShare, n, now.Count, bound, $"outside the training range {range}");
    }

    private static QualityCheck Unseen(ColumnProfile trained, ColumnProfile now, QualityOptions options)
    {
        var bound = options.UnseenCategoryTolerance;
        if (trained is not { Categories: { } known, OtherCount: 0 })
        {
            return new QualityCheck(trained.Name, QualityCheckKind.UnseenCategoryShare, null, bound, GateOutcome.Skipped,
                $"Column '{trained.Name}' had more categories in training than the profile kept, so unseen categories cannot be told apart.");
        }

        long? unseen = now.UnseenCount;
        if (unseen is null && now is { Categories: { } current, OtherCount: 0 })
        {
            var seen = new HashSet<string>(known.Select(c => c.Value), StringComparer.Ordinal);
            unseen = current.Where(c => !seen.Contains(c.Value)).Sum(c => c.Count);
        }

        if (unseen is not { } n)
        {
            return new QualityCheck(trained.Name, QualityCheckKind.UnseenCategoryShare, null, bound, GateOutcome.Failed,
                $"Column '{trained.Name}': the current profile's category list is truncated and was not computed against the training profile, so the share of unseen categories is unknown.");
        }

        return ShareOfValues(trained.Name, QualityCheckKind.UnseenCategoryShare, n, now.Count, bound, "in categories unseen in training");
    }

    private static QualityCheck ShareOfValues(string column, QualityCheckKind kind, long part, long whole, double bound, string what)
    {
        var share = Share(part, whole);
        var passed = share <= bound + ShareSlack;
        return new QualityCheck(column, kind, share, bound,
            passed ? GateOutcome.Passed : GateOutcome.Failed,
            $"Column '{column}' has {part} of {whole} values ({Percent(share)}) {what}"
            + (passed ? "." : $"; more than the tolerance of {Percent(bound)}."));
    }

    // Shares and tolerances are both rounded decimals in practice (0.02 + 0.05): allow the
    // floating-point error of that sum so a share exactly at the bound passes.
    private const double ShareSlack = 1e-12;

    private static double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static string Percent(double share) => (share * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
