using System.CommandLine;
using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Monitoring;

namespace Keel.Cli.Monitor;

/// <summary>
/// <c>keel monitor summary NAME [--days 7] [--json]</c>: the specification's monitoring summary of a
/// model over its stored windows (docs/monitoring.md#summary-and-report), from a server or a local store.
/// </summary>
internal static class MonitorSummaryCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The registered model." };
        var days = DaysOption();
        var command = new Command("summary", "Summarise a model's monitoring over the last days: windows, requests, drifted share over time, drift by feature, the realised and estimated metric's trend with counts, and alerts.")
        {
            name, days,
        };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var summary = await ctx.Store.MonitoringSummaryAsync(ctx.Parse.GetValue(name), ctx.Parse.GetValue(days), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(summary, s => Print(ctx.Output, s));
        });
        return command;
    }

    /// <summary>The <c>--days</c> option of summary and report.</summary>
    internal static Option<long> DaysOption() => new("--days")
    {
        Description = $"Days back from now, 1 to {MonitoringSummaryQuery.MaxDays}.",
        DefaultValueFactory = _ => MonitoringSummaryQuery.DefaultDays,
        HelpName = "n",
    };

    private static void Print(CliOutput output, ModelMonitoringSummary s)
    {
        output.WriteLine($"Monitoring of '{s.Model}', last {s.Days} day(s): {s.Status}.");
        if (s.TotalWindows == 0)
        {
            return;
        }

        output.WriteLine(Invariant($"Windows: {s.TotalWindows}{(s.Truncated ? " (truncated)" : "")} from {Time(s.StartMs!.Value)} to {Time(s.EndMs!.Value)}; requests: {s.TotalPredictions} ({s.AveragePerWindow:0.#} per window)."));
        foreach (var x in s.Series)
        {
            output.WriteLine($"  version {x.Version}{(x.Deployment is null ? "" : $", deployment {x.Deployment} arm {x.Arm}")}: {x.Windows} windows, {x.Requests} requests");
        }

        var d = s.Drift;
        output.WriteLine(d.Windows == 0
            ? "Drift: no window with drift results."
            : Invariant($"Drift: dataset drift in {d.DatasetDriftWindows} of {d.Windows} windows; drifted share mean {d.MeanDriftedShare:0.###}, max {d.MaxDriftedShare:0.###}, latest {d.LastDriftedShare:0.###}."));
        foreach (var f in d.Features.Where(f => f.DriftedWindows > 0).Take(10))
        {
            output.WriteLine($"  {f.Feature} ({f.Kind}): drifted in {f.DriftedWindows} of {f.Windows} windows, last {(f.LastDriftedMs is { } t ? Time(t) : "-")}");
        }

        if (s.Performance is { } p)
        {
            output.WriteLine($"Metric {p.Metric} ({(p.HigherIsBetter ? "higher" : "lower")} is better), validation {(p.Validation is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "unknown")}:");
            output.WriteLine("  realised:  " + Trend(p.Realised, "labelled"));
            output.WriteLine("  estimated: " + Trend(p.Estimated, "estimated"));
        }
        else
        {
            output.WriteLine("Metric: no window has one.");
        }

        output.WriteLine($"Alerts: {s.Alerts.Active.Count} active; fired {s.Alerts.FiredInPeriod} time(s) in the period.");
        foreach (var a in s.Alerts.Active)
        {
            output.WriteLine($"  {a.State} {a.Rule} ({a.Kind}, {a.Severity}) version {a.Version}: {a.Message}");
        }
    }

    private static string Trend(MetricTrend? t, string rows) => t is null
        ? "none"
        : Invariant($"{t.Windows} windows, {t.Rows} {rows} rows; mean {t.Mean:0.####} (row-weighted {t.RowWeightedMean:0.####}), min {t.Min:0.####}, max {t.Max:0.####}; first {t.First:0.####} → last {t.Last:0.####} ({t.Change:+0.####;-0.####;0})");

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
