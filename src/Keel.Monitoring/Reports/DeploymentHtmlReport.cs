using System.Globalization;
using System.Net;
using System.Text;
using Keel.Core.Deployments;

namespace Keel.Monitoring.Reports;

/// <summary>
/// Renders a <see cref="DeploymentReport"/> as one self-contained HTML file in the house style of
/// <see cref="DriftHtmlReport"/>: inline CSS and SVG, no script, no external resource, every
/// user-supplied string HTML-escaped.
/// </summary>
public static class DeploymentHtmlReport
{
    private const int ChartWidth = 640, ChartHeight = 180, Pad = 28;

    /// <summary>Renders the report.</summary>
    public static string Render(DeploymentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder(32 * 1024);
        string title = $"Keel deployment report: {report.Deployment}";
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
          .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}")
          .Append("td.num{text-align:right}.diag{background:#e2f3e4}.note{color:#555}")
          .Append("section{border-top:1px solid #ddd;padding-top:1em;margin-top:1em}")
          .Append("</style></head><body>");
        sb.Append("<h1>").Append(E(title)).Append("</h1>");
        sb.Append("<p>Model <b>").Append(E(report.Model)).Append("</b>; strategy ").Append(E(report.Strategy)).Append("; state ").Append(E(report.State))
          .Append("; stable version ").Append(E(report.StableVersion)).Append("; candidate ").Append(E(report.CandidateVersion ?? "none"))
          .Append(" (arm ").Append(E(report.CandidateArm)).Append("). ").Append(report.LoggedRequests).Append(" logged requests read")
          .Append(report.Truncated ? " (truncated)" : "").Append(", range ").Append(Time(report.FromMs, "beginning")).Append(" to ").Append(Time(report.ToMs, "now"))
          .Append(", made ").Append(Time(report.GeneratedAtMs, "")).Append(".</p>");
        Arms(sb, report);
        if (report.Comparison is { } c)
        {
            Comparison(sb, c);
        }

        sb.Append("<section><h2>Notes</h2><ul>");
        foreach (var note in report.Notes)
        {
            sb.Append("<li class=\"note\">").Append(E(note)).Append("</li>");
        }

        sb.Append("</ul></section></body></html>");
        return sb.ToString();
    }

    private static void Arms(StringBuilder sb, DeploymentReport r)
    {
        var metricNames = r.Arms.SelectMany(a => a.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        sb.Append("<section><h2>Arms</h2><table><tr><th>Arm</th><th>Versions</th><th>Requests</th><th>Rows</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>Errors</th><th>Error rate</th><th>Labelled rows</th>");
        foreach (var m in metricNames)
        {
            sb.Append("<th>").Append(E(m)).Append("</th>");
        }

        sb.Append("</tr>");
        foreach (var a in r.Arms)
        {
            sb.Append("<tr><td>").Append(E(a.Arm)).Append("</td><td>").Append(E(string.Join(", ", a.Versions))).Append("</td>")
              .Append(Cell(a.Requests.ToString(CultureInfo.InvariantCulture))).Append(Cell(a.Rows.ToString(CultureInfo.InvariantCulture)))
              .Append(Cell(Ms(a.LatencyP50Us))).Append(Cell(Ms(a.LatencyP95Us))).Append(Cell(Ms(a.LatencyP99Us)))
              .Append(Cell(a.Errors?.ToString(CultureInfo.InvariantCulture) ?? "unknown"))
              .Append(Cell(a.ErrorRate is { } er ? er.ToString("P2", CultureInfo.InvariantCulture) : "unknown"))
              .Append(Cell(a.LabelledRows.ToString(CultureInfo.InvariantCulture)));
            foreach (var m in metricNames)
            {
                sb.Append(Cell(a.Metrics.TryGetValue(m, out var v) ? N(v) : "-"));
            }

            sb.Append("</tr>");
        }

        sb.Append("</table></section>");
    }

    private static void Comparison(StringBuilder sb, ArmComparison c)
    {
        sb.Append("<section><h2>Stable against candidate on the same requests</h2><p>")
          .Append(c.PairedRequests).Append(" requests, ").Append(c.PairedRows).Append(" rows answered by both arms.</p>");
        if (c.Agreement is { } a)
        {
            sb.Append("<p>Agreement: <b>").Append(a.Rate.ToString("P2", CultureInfo.InvariantCulture)).Append("</b> (").Append(a.Agree).Append(" of ").Append(a.Total)
              .Append("); ").Append(a.Confidence.ToString("P0", CultureInfo.InvariantCulture)).Append(" Wilson interval ")
              .Append(a.Low.ToString("P2", CultureInfo.InvariantCulture)).Append(" – ").Append(a.High.ToString("P2", CultureInfo.InvariantCulture)).Append(".</p>");
        }

        if (c.Confusion is { } m)
        {
            sb.Append("<table><tr><th>stable \\ candidate</th>");
            foreach (var l in m.Labels)
            {
                sb.Append("<th>").Append(E(l)).Append("</th>");
            }

            sb.Append("</tr>");
            for (int i = 0; i < m.Labels.Count; i++)
            {
                sb.Append("<tr><th>").Append(E(m.Labels[i])).Append("</th>");
                for (int j = 0; j < m.Labels.Count; j++)
                {
                    sb.Append("<td class=\"num").Append(i == j ? " diag" : "").Append("\">").Append(m.Counts[i][j]).Append("</td>");
                }

                sb.Append("</tr>");
            }

            sb.Append("</table>");
        }

        if (c.Differences is { } d)
        {
            sb.Append("<p>Candidate − stable over ").Append(d.Count).Append(" rows: mean ").Append(N(d.Mean)).Append(", std ").Append(N(d.Std))
              .Append(", mean absolute ").Append(N(d.MeanAbsolute)).Append(".</p><table><tr>");
            foreach (var q in d.Quantiles)
            {
                sb.Append("<th>").Append(E(q.Key)).Append("</th>");
            }

            sb.Append("</tr><tr>");
            foreach (var q in d.Quantiles)
            {
                sb.Append(Cell(N(q.Value)));
            }

            sb.Append("</tr></table>");
            Histogram(sb, d);
        }

        sb.Append("</section>");
    }

    private static void Histogram(StringBuilder sb, Differences d)
    {
        int k = d.Counts.Count;
        if (k == 0)
        {
            return;
        }

        double max = Math.Max(1, d.Counts.Max()), slot = (ChartWidth - 2.0 * Pad) / k, plotH = ChartHeight - 2.0 * Pad;
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(ChartWidth).Append("\" height=\"").Append(ChartHeight + 20).Append("\" role=\"img\">");
        for (int i = 0; i < k; i++)
        {
            double h = d.Counts[i] / max * plotH, x = Pad + i * slot;
            sb.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(ChartHeight - Pad - h)).Append("\" width=\"").Append(F(slot * 0.9)).Append("\" height=\"").Append(F(h))
              .Append("\" fill=\"#4c78a8\"><title>").Append(E($"[{N(d.Edges[i])}, {N(d.Edges[i + 1])}): {d.Counts[i]}")).Append("</title></rect>");
        }

        sb.Append("<text font-size=\"10\" x=\"").Append(Pad).Append("\" y=\"").Append(ChartHeight - 8).Append("\">").Append(E(N(d.Edges[0]))).Append("</text>")
          .Append("<text font-size=\"10\" text-anchor=\"end\" x=\"").Append(ChartWidth - Pad).Append("\" y=\"").Append(ChartHeight - 8).Append("\">").Append(E(N(d.Edges[^1]))).Append("</text></svg>");
    }

    private static string Time(long? ms, string none) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : none;

    private static string Cell(string text) => "<td class=\"num\">" + E(text) + "</td>";

    private static string Ms(double? us) => us is { } v ? (v / 1000).ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static string N(double v) => double.IsNaN(v) ? "NaN" : v.ToString("G4", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
