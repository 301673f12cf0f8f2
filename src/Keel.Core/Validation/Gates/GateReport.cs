using System.Globalization;
using System.Text;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// Every gate's checks for one model version, with an overall outcome. It is stored on the
/// version as a tag (<see cref="TagKey"/> = <see cref="TagValue"/>) and as a JSON artifact
/// (<see cref="ArtifactPath"/>, serialised with <c>KeelJson.Options</c>), and printed with
/// <see cref="ToTableRows"/> or <see cref="ToTable"/>.
/// </summary>
/// <param name="Checks">Every check, gate by gate in the order given.</param>
public sealed record GateReport(IReadOnlyList<GateCheck> Checks)
{
    /// <summary>The model-version tag holding <see cref="TagValue"/>.</summary>
    public const string TagKey = Tracking.KeelTags.ValidationStatus;

    /// <summary>Where the JSON report is stored among the version's artifacts.</summary>
    public const string ArtifactPath = "validation/gate-report.json";

    /// <summary>True unless a check failed (warnings and skipped checks do not fail).</summary>
    public bool Passed => Failed == 0;

    /// <summary>How many checks failed.</summary>
    public int Failed => Checks.Count(c => c.Outcome == GateOutcome.Failed);

    /// <summary>How many checks count (all but skipped ones).</summary>
    public int Counted => Checks.Count(c => c.Outcome != GateOutcome.Skipped);

    /// <summary>The tag value when no check counted (no gates configured, or every check skipped).</summary>
    public const string NoChecksTagValue = "none: no checks";

    /// <summary>
    /// The compact tag value: <c>passed</c>, <c>failed: 2 of 7 checks</c>, or
    /// <see cref="NoChecksTagValue"/> when nothing was checked, so a version with no gates is not
    /// taken for one that passed them.
    /// </summary>
    public string TagValue => Counted == 0
        ? NoChecksTagValue
        : Passed
            ? "passed"
            : string.Create(CultureInfo.InvariantCulture, $"failed: {Failed} of {Counted} checks");

    /// <summary>Combines gate results, in the order given; null results are left out.</summary>
    public static GateReport Combine(params IGateResult?[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var checks = new List<GateCheck>();
        foreach (var result in results)
        {
            if (result is not null)
            {
                checks.AddRange(result.ToChecks());
            }
        }

        return new GateReport(checks);
    }

    /// <summary>One row per check for printing: gate, check (subject and check), value, bound, result.</summary>
    public IReadOnlyList<GateTableRow> ToTableRows() => Checks.Select(c => new GateTableRow(
        c.Gate,
        c.Subject is null ? c.Check : $"{c.Subject}: {c.Check}",
        c.Value ?? "-",
        c.Bound ?? "-",
        c.Outcome switch
        {
            GateOutcome.Passed => "pass",
            GateOutcome.Failed => "FAIL",
            GateOutcome.Warning => "warn",
            _ => "skip",
        })).ToList();

    /// <summary>The rows as an aligned plain-text table with a header and a summary line.</summary>
    public string ToTable()
    {
        var rows = ToTableRows();
        string[] header = ["GATE", "CHECK", "VALUE", "BOUND", "RESULT"];
        var widths = header.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Cells();
            for (var i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], cells[i].Length);
            }
        }

        var text = new StringBuilder();
        Append(text, header, widths);
        foreach (var row in rows)
        {
            Append(text, row.Cells(), widths);
        }

        return text.Append(TagValue).Append('\n').ToString();
    }

    private static void Append(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.Append('\n');
    }
}

/// <summary>A printable row of a <see cref="GateReport"/>.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="Check">The subject and check, e.g. <c>age: missing_share</c>.</param>
/// <param name="Value">The value found, or <c>-</c>.</param>
/// <param name="Bound">The bound, or <c>-</c>.</param>
/// <param name="Result"><c>pass</c>, <c>FAIL</c>, <c>warn</c> or <c>skip</c>.</param>
public sealed record GateTableRow(string Gate, string Check, string Value, string Bound, string Result)
{
    /// <summary>The cells in column order.</summary>
    public string[] Cells() => [Gate, Check, Value, Bound, Result];
}
