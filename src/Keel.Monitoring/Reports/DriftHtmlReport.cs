using Keel.Core.Data;
using System.Globalization;
using System.Net;
using System.Text;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Reports;

/// <summary>
/// Renders a <see cref="DriftReport"/> as one self-contained HTML file (inline CSS and SVG, no
/// scripts, no external resources) that works offline: the summary first, then one section per
/// column, most severe first, each with a reference-vs-current histogram or bar chart.
/// </summary>
public static class DriftHtmlReport
{
    private const int ChartWidth = 640, ChartHeight = 180, Pad = 28;

    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="title">Page title, e.g. the two file names.</param>
    public static string Render(DriftReport report, string title = "Keel drift report")
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
          .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}")
          .Append(".drift{color:#b00020;font-weight:bold}.ok{color:#1b5e20}.na{color:#777}")
          .Append(".verdict{font-size:20px;padding:10px 14px;border-radius:6px;display:inline-block}")
          .Append(".verdict.drift{background:#fde0e0}.verdict.ok{background:#e2f3e4}")
          .Append("section{border-top:1px solid #ddd;padding-top:1em;margin-top:1em}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}")
          .Append("</style></head><body>");
        sb.Append("<h1>").Append(E(title)).Append("</h1>");
        Summary(sb, report);
        sb.Append("<p class=\"legend\">Legend:<span style=\"background:#4c78a8\"></span>reference<span style=\"background:#f58518\"></span>current</p>");
        for (int i = 0; i < report.Columns.Count; i++)
        {
            Column(sb, report.Columns[i], i);
        }

        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static void Summary(StringBuilder sb, DriftReport r)
    {
        string cls = r.DatasetDrift ? "drift" : "ok";
        sb.Append("<p class=\"verdict ").Append(cls).Append("\">")
          .Append(r.DatasetDrift ? "Dataset drift detected" : "No dataset drift")
          .Append(": ").Append(r.DriftedColumns).Append(" of ").Append(r.ComparedColumns).Append(" columns drifted (")
          .Append(F(r.DriftedShare * 100, "0.#")).Append("%; threshold ").Append(F(r.DriftShareThreshold * 100, "0.#")).Append("%)</p>");
        sb.Append("<p>Reference rows: ").Append(r.ReferenceRows).Append(". Current rows: ").Append(r.CurrentRows)
          .Append(". Multiple-testing correction: ").Append(E(r.Correction.ToString())).Append(".</p>");
        sb.Append("<table><tr><th>Column</th><th>Type</th><th>Test</th><th>Statistic</th><th>p-value / distance</th><th>Threshold</th><th>Drifted</th><th>Missing (ref / cur)</th><th>Note</th></tr>");
        for (int i = 0; i < r.Columns.Count; i++)
        {
            var c = r.Columns[i];
            sb.Append("<tr><td><a href=\"#col-").Append(Anchor(c.Column, i)).Append("\">").Append(E(c.Column)).Append("</a></td><td>")
              .Append(c.Kind == ColumnKind.Numeric ? "numeric" : "categorical").Append("</td><td>").Append(E(c.Test ?? "-")).Append("</td><td>")
              .Append(N(c.Statistic)).Append("</td><td>").Append(N(c.MethodKind == DriftMethodKind.PValue ? c.AdjustedPValue ?? c.PValue : c.Statistic)).Append("</td><td>")
              .Append(N(c.Threshold)).Append("</td><td class=\"").Append(VerdictClass(c)).Append("\">").Append(VerdictText(c)).Append("</td><td>")
              .Append(c.Reference?.Missing.ToString(CultureInfo.InvariantCulture) ?? "-").Append(" / ").Append(c.Current?.Missing.ToString(CultureInfo.InvariantCulture) ?? "-")
              .Append("</td><td>").Append(E(c.Reason ?? "")).Append("</td></tr>");
        }

        sb.Append("</table>");
    }

    private static void Column(StringBuilder sb, ColumnDriftResult c, int index)
    {
        sb.Append("<section id=\"col-").Append(Anchor(c.Column, index)).Append("\"><h2>").Append(E(c.Column)).Append(" <span class=\"").Append(VerdictClass(c)).Append("\">")
          .Append(VerdictText(c)).Append("</span></h2><p>").Append(E(c.Test ?? "no test")).Append(c.AutoSelected ? " (chosen automatically)" : "")
          .Append(c.Statistic is null ? "" : $"; statistic {N(c.Statistic)}").Append(c.PValue is null ? "" : $"; p-value {N(c.PValue)}")
          .Append(c.AdjustedPValue is { } adj && adj != c.PValue ? $" (adjusted {N(adj)})" : "")
          .Append(c.Threshold is null ? "" : $"; threshold {N(c.Threshold)}").Append(". ")
          .Append(E(c.Reason ?? "")).Append("</p>");
        if (c.Reference is { } rs && c.Current is { } cs)
        {
            sb.Append("<p>Reference: ").Append(rs.Count).Append(" values, ").Append(rs.Missing).Append(" missing, ").Append(rs.Distinct).Append(" distinct. Current: ")
              .Append(cs.Count).Append(" values, ").Append(cs.Missing).Append(" missing, ").Append(cs.Distinct).Append(" distinct.</p>");
        }

        if (c.Chart is { } chart)
        {
            Chart(sb, chart);
        }

        sb.Append("</section>");
    }

    /// <summary>Side-by-side bars of reference and current shares per bin or category.</summary>
    private static void Chart(StringBuilder sb, ColumnChart chart)
    {
        int k = chart.Labels.Length;
        double refTotal = Math.Max(1, chart.Reference.Sum()), curTotal = Math.Max(1, chart.Current.Sum());
        double max = 1e-12;
        for (int i = 0; i < k; i++)
        {
            max = Math.Max(max, Math.Max(chart.Reference[i] / refTotal, chart.Current[i] / curTotal));
        }

        double slot = (ChartWidth - 2.0 * Pad) / Math.Max(1, k), bar = slot * 0.4, plotH = ChartHeight - 2.0 * Pad;
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(ChartWidth).Append("\" height=\"").Append(ChartHeight + 40)
          .Append("\" role=\"img\"><line x1=\"").Append(Pad).Append("\" y1=\"").Append(ChartHeight - Pad).Append("\" x2=\"").Append(ChartWidth - Pad)
          .Append("\" y2=\"").Append(ChartHeight - Pad).Append("\" stroke=\"#999\"/>");
        for (int i = 0; i < k; i++)
        {
            double x = Pad + i * slot + slot * 0.1;
            double hr = chart.Reference[i] / refTotal / max * plotH, hc = chart.Current[i] / curTotal / max * plotH;
            Rect(sb, x, ChartHeight - Pad - hr, bar, hr, "#4c78a8", $"{chart.Labels[i]}: reference {chart.Reference[i]} ({chart.Reference[i] / refTotal:P1})");
            Rect(sb, x + bar, ChartHeight - Pad - hc, bar, hc, "#f58518", $"{chart.Labels[i]}: current {chart.Current[i]} ({chart.Current[i] / curTotal:P1})");
            if (k <= 25)
            {
                double lx = x + bar;
                sb.Append("<text font-size=\"10\" transform=\"translate(").Append(F(lx, "0.#")).Append(',').Append(ChartHeight - Pad + 10)
                  .Append(") rotate(35)\">").Append(E(Truncate(chart.Labels[i]))).Append("</text>");
            }
        }

        sb.Append("<text font-size=\"10\" x=\"2\" y=\"").Append(Pad - 8).Append("\">share (max ").Append(F(max * 100, "0.#")).Append("%)</text></svg>");
    }

    private static void Rect(StringBuilder sb, double x, double y, double w, double h, string color, string tip) =>
        sb.Append("<rect x=\"").Append(F(x, "0.##")).Append("\" y=\"").Append(F(y, "0.##")).Append("\" width=\"").Append(F(w, "0.##"))
          .Append("\" height=\"").Append(F(h, "0.##")).Append("\" fill=\"").Append(color).Append("\"><title>").Append(E(tip)).Append("</title></rect>");

    private static string VerdictClass(ColumnDriftResult c) => c.Drifted ? "drift" : c.Status is ColumnStatus.Tested or ColumnStatus.Constant ? "ok" : "na";

    private static string VerdictText(ColumnDriftResult c) => c.Status switch
    {
        ColumnStatus.Tested => c.Drifted ? "drift" : "no drift",
        ColumnStatus.Constant => "constant",
        ColumnStatus.NotApplicable => "not applicable",
        ColumnStatus.MissingInReference => "absent from reference",
        ColumnStatus.MissingInCurrent => "absent from current",
        _ => "no values",
    };

    private static string Truncate(string s) => s.Length <= 14 ? s : s[..13] + "…";

    /// <summary>A readable, unique fragment id: the column position plus its ASCII letters and digits.</summary>
    private static string Anchor(string s, int index)
    {
        var sb = new StringBuilder(s.Length + 4).Append(index.ToString(CultureInfo.InvariantCulture)).Append('-');
        foreach (char ch in s)
        {
            sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '-');
        }

        return sb.ToString();
    }

    private static string N(double? v) => v is null ? "-" : double.IsNaN(v.Value) ? "NaN" : v.Value.ToString("G4", CultureInfo.InvariantCulture);

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
