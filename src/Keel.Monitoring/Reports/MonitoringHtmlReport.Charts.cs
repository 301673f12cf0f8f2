using System.Globalization;
using System.Text;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Reports;

// The SVG charts: drift heatmap, drifted share, metric and estimated metric with counts.
public static partial class MonitoringHtmlReport
{
    private const int Width = 900, Label = 170, ChartHeight = 180, Pad = 28, Row = 16;

    private static void DriftSection(StringBuilder sb, ModelMonitoringSummary s, IReadOnlyList<MonitorWindow> windows, TimeSlices slices)
    {
        var d = s.Drift;
        sb.Append("<section><h2>Drift</h2><p>").Append(d.Windows).Append(" windows with drift results; dataset drift in ").Append(d.DatasetDriftWindows)
          .Append("; drifted share mean ").Append(d.MeanDriftedShare is { } m ? N(m) : "-").Append(", max ").Append(d.MaxDriftedShare is { } x ? N(x) : "-")
          .Append(", latest ").Append(d.LastDriftedShare is { } l ? N(l) : "-").Append(".</p>");
        if (d.Features.Count == 0)
        {
            sb.Append("</section>");
            return;
        }

        // Drifted share over time.
        var share = new double?[slices.Count];
        var shareWindows = new int[slices.Count];
        foreach (var w in windows.Where(w => w.DriftedShare is not null))
        {
            int i = slices.Of(w.EndMs);
            share[i] = (share[i] ?? 0) + w.DriftedShare!.Value;
            shareWindows[i]++;
        }

        for (int i = 0; i < slices.Count; i++)
        {
            share[i] = shareWindows[i] > 0 ? share[i] / shareWindows[i] : null;
        }

        sb.Append("<h3>Drifted share of input features</h3>");
        LineChart(sb, slices, [("drifted share", "#b00020", share)], 0, 1, null, null);

        // Heatmap: share of a feature's windows in the slice that found it drifted.
        var features = d.Features.Take(MaxFeatures).ToList();
        var rowOf = features.Select((f, i) => (f, i)).ToDictionary(x => (x.f.Feature, x.f.Kind), x => x.i);
        var tested = new int[features.Count, slices.Count];
        var drifted = new int[features.Count, slices.Count];
        var maxScore = new double[features.Count, slices.Count];
        foreach (var w in windows)
        {
            int c = slices.Of(w.EndMs);
            foreach (var f in w.Features)
            {
                if (rowOf.TryGetValue((f.Feature, f.Kind), out int r))
                {
                    tested[r, c]++;
                    drifted[r, c] += f.Drifted ? 1 : 0;
                    maxScore[r, c] = Math.Max(maxScore[r, c], double.IsFinite(f.Score) ? f.Score : 0);
                }
            }
        }

        double cell = (Width - Label - 10.0) / slices.Count;
        int height = features.Count * Row + 30;
        sb.Append("<h3>Drift by feature over time</h3><p class=\"legend\">Share of the slice's windows that found the feature drifted:<span style=\"background:#fff;border:1px solid #ccc\"></span>none<span style=\"background:#f4a582\"></span>some<span style=\"background:#b2182b\"></span>all<span style=\"background:#eee\"></span>not tested</p>");
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(height).Append("\" role=\"img\" aria-label=\"drift by feature over time\">");
        for (int r = 0; r < features.Count; r++)
        {
            var f = features[r];
            sb.Append("<text font-size=\"11\" x=\"").Append(Label - 6).Append("\" y=\"").Append(r * Row + 12).Append("\" text-anchor=\"end\">")
              .Append(E(Clip(f.Kind == "prediction" ? f.Feature + " (prediction)" : f.Feature))).Append("</text>");
            for (int c = 0; c < slices.Count; c++)
            {
                double frac = tested[r, c] == 0 ? double.NaN : drifted[r, c] / (double)tested[r, c];
                sb.Append("<rect x=\"").Append(F(Label + c * cell)).Append("\" y=\"").Append(r * Row).Append("\" width=\"").Append(F(Math.Max(cell - 1, 1))).Append("\" height=\"").Append(Row - 2)
                  .Append("\" fill=\"").Append(Heat(frac)).Append("\"><title>")
                  .Append(E($"{f.Feature}, to {Time(slices.SliceEnd(c))}: " + (tested[r, c] == 0 ? "not tested" : $"drifted in {drifted[r, c]} of {tested[r, c]} windows, max score {N(maxScore[r, c])}")))
                  .Append("</title></rect>");
            }
        }

        Axis(sb, slices, features.Count * Row + 14);
        sb.Append("</svg>");
        if (d.Features.Count > features.Count)
        {
            sb.Append("<p class=\"note\">").Append(d.Features.Count - features.Count).Append(" less often drifted features are left out of the heatmap.</p>");
        }

        sb.Append("<table><tr><th>Feature</th><th>Kind</th><th>Windows tested</th><th>Drifted</th><th>Max score</th><th>Last drifted</th></tr>");
        foreach (var f in d.Features)
        {
            sb.Append("<tr><td>").Append(E(f.Feature)).Append("</td><td>").Append(E(f.Kind)).Append("</td>").Append(Cell(f.Windows.ToString(CultureInfo.InvariantCulture)))
              .Append(Cell(f.DriftedWindows.ToString(CultureInfo.InvariantCulture))).Append(Cell(N(f.MaxScore))).Append("<td>").Append(f.LastDriftedMs is { } t ? Time(t) : "-").Append("</td></tr>");
        }

        sb.Append("</table></section>");
    }

    private static void PerformanceSection(StringBuilder sb, ModelMonitoringSummary s, IReadOnlyList<MonitorWindow> windows, TimeSlices slices)
    {
        sb.Append("<section><h2>Performance</h2>");
        if (s.Performance is not { } p)
        {
            sb.Append("<p class=\"note\">No window has a metric (no feedback labels and no estimate).</p></section>");
            return;
        }

        sb.Append("<p>Metric <b>").Append(E(p.Metric)).Append("</b> (").Append(p.HigherIsBetter ? "higher" : "lower").Append(" is better); validation ")
          .Append(p.Validation is { } v ? N(v) : "unknown").Append(".</p><table><tr><th></th><th>Windows</th><th>Rows</th><th>Mean</th><th>Std</th><th>Min</th><th>Max</th><th>Row-weighted</th><th>First</th><th>Last</th><th>Change</th></tr>");
        TrendRow(sb, "realised (labels)", p.Realised);
        TrendRow(sb, "estimated (no labels)", p.Estimated);
        sb.Append("</table>");

        // Row-weighted per slice: realised over labelled rows, estimated over estimated rows.
        var realised = new double?[slices.Count];
        var estimated = new double?[slices.Count];
        var labelled = new double[slices.Count];
        var estimatedRows = new double[slices.Count];
        var realisedSum = new double[slices.Count];
        var estimatedSum = new double[slices.Count];
        foreach (var w in windows.Where(w => w.Performance?.Metric == p.Metric))
        {
            int i = slices.Of(w.EndMs);
            var wp = w.Performance!;
            if (wp.Value is { } value && double.IsFinite(value))
            {
                double weight = Math.Max(wp.LabelledRows, 1);
                realisedSum[i] += value * weight;
                labelled[i] += weight;
            }

            if (wp.Estimated is { } e && double.IsFinite(e))
            {
                double weight = Math.Max(wp.EstimatedRows, 1);
                estimatedSum[i] += e * weight;
                estimatedRows[i] += weight;
            }
        }

        for (int i = 0; i < slices.Count; i++)
        {
            realised[i] = labelled[i] > 0 ? realisedSum[i] / labelled[i] : null;
            estimated[i] = estimatedRows[i] > 0 ? estimatedSum[i] / estimatedRows[i] : null;
        }

        var values = realised.Concat(estimated).Where(x => x is not null).Select(x => x!.Value).ToList();
        if (p.Validation is { } val)
        {
            values.Add(val);
        }

        double lo = values.Min(), hi = values.Max(), margin = Math.Max((hi - lo) * 0.1, 0.01);
        sb.Append("<h3>Metric over time</h3>");
        LineChart(sb, slices, [("realised", "#4c78a8", realised), ("estimated", "#f58518", estimated)], lo - margin, hi + margin, p.Validation, "validation");
        sb.Append("<h3>Rows behind the metric</h3>");
        Bars(sb, slices, [("labelled rows", "#4c78a8", labelled), ("estimated rows", "#f58518", estimatedRows)]);
        sb.Append("</section>");
    }

    private static void TrendRow(StringBuilder sb, string name, MetricTrend? t)
    {
        sb.Append("<tr><th>").Append(E(name)).Append("</th>");
        if (t is null)
        {
            sb.Append("<td colspan=\"10\" class=\"note\">none</td></tr>");
            return;
        }

        foreach (var x in new[] { t.Windows.ToString(CultureInfo.InvariantCulture), t.Rows.ToString(CultureInfo.InvariantCulture), N(t.Mean), N(t.Std), N(t.Min), N(t.Max), N(t.RowWeightedMean), N(t.First), N(t.Last), N(t.Change) })
        {
            sb.Append(Cell(x));
        }

        sb.Append("</tr>");
    }

    private static void LineChart(StringBuilder sb, TimeSlices slices, (string Name, string Colour, double?[] Values)[] lines, double lo, double hi, double? reference, string? referenceName)
    {
        double plotW = Width - Label - 10.0, plotH = ChartHeight - 2.0 * Pad, step = plotW / slices.Count;
        double Y(double v) => Pad + plotH - (Math.Clamp(v, lo, hi) - lo) / (hi - lo) * plotH;
        sb.Append("<p class=\"legend\">");
        foreach (var (name, colour, _) in lines)
        {
            sb.Append("<span style=\"background:").Append(colour).Append("\"></span>").Append(E(name));
        }

        if (reference is not null)
        {
            sb.Append("<span style=\"background:#777\"></span>").Append(E(referenceName ?? "reference"));
        }

        sb.Append("</p><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(ChartHeight + 10).Append("\" role=\"img\">");
        sb.Append("<text font-size=\"10\" x=\"").Append(Label - 6).Append("\" y=\"").Append(F(Y(hi) + 4)).Append("\" text-anchor=\"end\">").Append(E(N(hi))).Append("</text>")
          .Append("<text font-size=\"10\" x=\"").Append(Label - 6).Append("\" y=\"").Append(F(Y(lo))).Append("\" text-anchor=\"end\">").Append(E(N(lo))).Append("</text>")
          .Append("<line x1=\"").Append(Label).Append("\" x2=\"").Append(Width - 10).Append("\" y1=\"").Append(F(Y(lo))).Append("\" y2=\"").Append(F(Y(lo))).Append("\" stroke=\"#ccc\"/>");
        if (reference is { } r)
        {
            sb.Append("<line x1=\"").Append(Label).Append("\" x2=\"").Append(Width - 10).Append("\" y1=\"").Append(F(Y(r))).Append("\" y2=\"").Append(F(Y(r)))
              .Append("\" stroke=\"#777\" stroke-dasharray=\"4 3\"><title>").Append(E($"{referenceName}: {N(r)}")).Append("</title></line>");
        }

        foreach (var (name, colour, values) in lines)
        {
            var path = new StringBuilder();
            bool open = false;
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] is not { } v)
                {
                    open = false;
                    continue;
                }

                double x = Label + (i + 0.5) * step;
                path.Append(open ? " L" : " M").Append(F(x)).Append(' ').Append(F(Y(v)));
                open = true;
                sb.Append("<circle cx=\"").Append(F(x)).Append("\" cy=\"").Append(F(Y(v))).Append("\" r=\"2.5\" fill=\"").Append(colour).Append("\"><title>")
                  .Append(E($"{name} to {Time(slices.SliceEnd(i))}: {N(v)}")).Append("</title></circle>");
            }

            if (path.Length > 0)
            {
                sb.Append("<path d=\"").Append(path.ToString().Trim()).Append("\" fill=\"none\" stroke=\"").Append(colour).Append("\" stroke-width=\"1.5\"/>");
            }
        }

        Axis(sb, slices, ChartHeight);
        sb.Append("</svg>");
    }

    private static void Bars(StringBuilder sb, TimeSlices slices, (string Name, string Colour, double[] Values)[] series)
    {
        double plotW = Width - Label - 10.0, plotH = ChartHeight - 2.0 * Pad, step = plotW / slices.Count, barW = step / (series.Length + 0.5);
        double max = Math.Max(1, series.Max(s => s.Values.Max()));
        sb.Append("<p class=\"legend\">");
        foreach (var (name, colour, _) in series)
        {
            sb.Append("<span style=\"background:").Append(colour).Append("\"></span>").Append(E(name));
        }

        sb.Append("</p><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(ChartHeight + 10).Append("\" role=\"img\">")
          .Append("<text font-size=\"10\" x=\"").Append(Label - 6).Append("\" y=\"").Append(Pad + 4).Append("\" text-anchor=\"end\">").Append(E(N(max))).Append("</text>");
        for (int i = 0; i < slices.Count; i++)
        {
            for (int k = 0; k < series.Length; k++)
            {
                double h = series[k].Values[i] / max * plotH;
                sb.Append("<rect x=\"").Append(F(Label + i * step + k * barW)).Append("\" y=\"").Append(F(Pad + plotH - h)).Append("\" width=\"").Append(F(Math.Max(barW - 0.5, 0.5)))
                  .Append("\" height=\"").Append(F(h)).Append("\" fill=\"").Append(series[k].Colour).Append("\"><title>")
                  .Append(E($"{series[k].Name} to {Time(slices.SliceEnd(i))}: {series[k].Values[i].ToString("0", CultureInfo.InvariantCulture)}")).Append("</title></rect>");
            }
        }

        Axis(sb, slices, ChartHeight);
        sb.Append("</svg>");
    }

    private static void Axis(StringBuilder sb, TimeSlices slices, int y)
    {
        sb.Append("<text font-size=\"10\" x=\"").Append(Label).Append("\" y=\"").Append(y).Append("\">").Append(E(Time(slices.Start))).Append("</text>")
          .Append("<text font-size=\"10\" x=\"").Append(Width - 10).Append("\" y=\"").Append(y).Append("\" text-anchor=\"end\">").Append(E(Time(slices.End))).Append("</text>");
    }

    /// <summary>White (never drifted) to red (always drifted); grey when not tested.</summary>
    private static string Heat(double fraction)
    {
        if (double.IsNaN(fraction))
        {
            return "#eeeeee";
        }

        int g = (int)Math.Round(255 - fraction * (255 - 24)), b = (int)Math.Round(255 - fraction * (255 - 43)), r = (int)Math.Round(255 - fraction * (255 - 178));
        return "#" + r.ToString("x2", CultureInfo.InvariantCulture) + g.ToString("x2", CultureInfo.InvariantCulture) + b.ToString("x2", CultureInfo.InvariantCulture);
    }

    private static string Clip(string s)
    {
        if (s.Length <= 28)
        {
            return s;
        }

        // Never cut a surrogate pair in two.
        int cut = char.IsHighSurrogate(s[26]) ? 26 : 27;
        return s[..cut] + "…";
    }
}
