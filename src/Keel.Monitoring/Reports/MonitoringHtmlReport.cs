using System.Globalization;
using System.Net;
using System.Text;
using Keel.Core.Monitoring;
using Keel.Monitoring.Summaries;

namespace Keel.Monitoring.Reports;

/// <summary>
/// Renders a model's monitoring over a period (<c>keel monitor report</c>,
/// <c>GET /api/2.0/keel/monitoring/report</c>) as one self-contained HTML file in the house style
/// of <see cref="DriftHtmlReport"/>: inline CSS and SVG, no script, no external resource, every
/// stored string HTML-escaped. It shows drift by feature over time (a heatmap), the drifted share
/// over time, the realised and estimated metric over time with their row counts, and the alerts.
/// </summary>
public static partial class MonitoringHtmlReport
{
    /// <summary>Most time columns of the charts: windows are pooled into this many equal slices of the period.</summary>
    public const int MaxSlices = 60;

    /// <summary>Most features the heatmap shows (the most often drifted).</summary>
    public const int MaxFeatures = 40;

    /// <summary>Renders <paramref name="summary"/>, drawing the heatmap from <paramref name="windows"/> (the windows it was built from).</summary>
    public static string Render(ModelMonitoringSummary summary, IReadOnlyList<MonitorWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(windows);
        var sb = new StringBuilder(64 * 1024);
        string title = $"Keel monitoring report: {summary.Model}";
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
          .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}")
          .Append("td.num{text-align:right}.firing{color:#b00020;font-weight:bold}.pending{color:#8a5a00}.note{color:#555}")
          .Append("section{border-top:1px solid #ddd;padding-top:1em;margin-top:1em}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}")
          .Append("</style></head><body>");
        sb.Append("<h1>").Append(E(title)).Append("</h1>");
        sb.Append("<p>Last ").Append(summary.Days).Append(summary.Days == 1 ? " day" : " days").Append(", ").Append(Time(summary.FromMs)).Append(" to ").Append(Time(summary.ToMs))
          .Append(". Status <b>").Append(E(summary.Status)).Append("</b>: ").Append(summary.TotalWindows).Append(" windows, ").Append(summary.TotalPredictions)
          .Append(" requests (").Append(N(summary.AveragePerWindow)).Append(" per window)").Append(summary.Truncated ? "; only the oldest " + MonitoringSummaryBuilder.MaxWindows + " windows of the period are shown" : "").Append(".</p>");
        Series(sb, summary);
        var slices = Slices(summary, windows);
        DriftSection(sb, summary, windows, slices);
        PerformanceSection(sb, summary, windows, slices);
        AlertsSection(sb, summary.Alerts);
        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static void Series(StringBuilder sb, ModelMonitoringSummary s)
    {
        if (s.Series.Count == 0)
        {
            sb.Append("<p class=\"note\">No monitoring window in this period.</p>");
            return;
        }

        sb.Append("<table><tr><th>Version</th><th>Deployment</th><th>Arm</th><th>Windows</th><th>Requests</th></tr>");
        foreach (var x in s.Series)
        {
            sb.Append("<tr><td>").Append(E(x.Version)).Append("</td><td>").Append(E(x.Deployment ?? "-")).Append("</td><td>").Append(E(x.Arm ?? "-")).Append("</td>")
              .Append(Cell(x.Windows.ToString(CultureInfo.InvariantCulture))).Append(Cell(x.Requests.ToString(CultureInfo.InvariantCulture))).Append("</tr>");
        }

        sb.Append("</table>");
    }

    private static void AlertsSection(StringBuilder sb, AlertSummary a)
    {
        sb.Append("<section><h2>Alerts</h2><p>").Append(a.Active.Count).Append(" active; fired ").Append(a.FiredInPeriod).Append(a.FiredInPeriod == 1 ? " time" : " times").Append(" in the period.</p>");
        if (a.Active.Count > 0)
        {
            sb.Append("<table><tr><th>Rule</th><th>Kind</th><th>Severity</th><th>State</th><th>Version</th><th>Deployment / arm</th><th>Since</th><th>Value</th><th>Message</th></tr>");
            foreach (var x in a.Active)
            {
                sb.Append("<tr><td>").Append(E(x.Rule)).Append("</td><td>").Append(E(x.Kind)).Append("</td><td>").Append(E(x.Severity)).Append("</td><td class=\"")
                  .Append(x.State == AlertStates.Firing ? "firing" : "pending").Append("\">").Append(E(x.State)).Append("</td><td>").Append(E(x.Version)).Append("</td><td>")
                  .Append(E((x.Deployment ?? "-") + " / " + (x.Arm ?? "-"))).Append("</td><td>").Append(Time(x.SinceMs)).Append("</td>")
                  .Append(Cell(x.Value is { } v ? N(v) : "-")).Append("<td>").Append(E(x.Message ?? "")).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        if (a.Events.Count > 0)
        {
            sb.Append("<h3>History</h3><table><tr><th>When</th><th>Rule</th><th>From</th><th>To</th><th>Value</th><th>Message</th></tr>");
            foreach (var e in a.Events)
            {
                sb.Append("<tr><td>").Append(Time(e.AtMs)).Append("</td><td>").Append(E(e.Rule)).Append("</td><td>").Append(E(e.From ?? "-")).Append("</td><td>")
                  .Append(E(e.To)).Append("</td>").Append(Cell(e.Value is { } v ? N(v) : "-")).Append("<td>").Append(E(e.Message ?? "")).Append("</td></tr>");
            }

            sb.Append("</table>");
            if (a.EventsTruncated)
            {
                sb.Append("<p class=\"note\">Only the latest ").Append(a.Events.Count).Append(" events are listed.</p>");
            }
        }

        sb.Append("</section>");
    }

    /// <summary>The period cut into at most <see cref="MaxSlices"/> equal slices; a window belongs to the slice of its end.</summary>
    private static TimeSlices Slices(ModelMonitoringSummary s, IReadOnlyList<MonitorWindow> windows)
    {
        long start = s.StartMs ?? s.FromMs, end = s.EndMs ?? s.ToMs;
        int count = Math.Max(1, Math.Min(MaxSlices, windows.Select(w => w.EndMs).Distinct().Count()));
        return new TimeSlices(start, Math.Max(end, start + 1), count);
    }

    private readonly record struct TimeSlices(long Start, long End, int Count)
    {
        public int Of(long endMs) => (int)Math.Clamp((endMs - Start) * (double)Count / (End - Start + 1), 0, Count - 1);

        public long SliceEnd(int i) => Start + (long)((End - Start) * (double)(i + 1) / Count);
    }

    internal static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Cell(string text) => "<td class=\"num\">" + E(text) + "</td>";

    internal static string N(double v) => double.IsNaN(v) ? "NaN" : v.ToString("G4", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string E(string s) => WebUtility.HtmlEncode(s);
}
