using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Core.Monitoring;
using Spectre.Console;

namespace Keel.Cli.Monitor;

/// <summary>How monitors, windows and alerts are shown in tables.</summary>
internal static class MonitorFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>When the monitor runs and over what: "every 300 s (and every 5000 predictions), window 300 s".</summary>
    public static string Schedule(MonitorSpec s) => string.Create(Invariant,
        $"every {s.IntervalSeconds} s{(s.EveryPredictions is { } n ? $" (and every {n} predictions)" : string.Empty)}, window {s.WindowSeconds} s, drift from {s.MinRows} rows");

    /// <summary>One line on the monitor: stored (by whom, when) or the defaults, and its schedule.</summary>
    public static string Monitor(MonitorView m) =>
        (m.Default
            ? "Monitor: the defaults (no stored monitor, no alert rules)"
            : $"Monitor: applied by {m.UpdatedBy} at {Formats.Time(m.UpdatedAtMs)} UTC, {m.Spec.Rules?.Count ?? 0} rule(s)")
        + $"; {(m.Spec.Enabled == true ? "enabled" : "disabled")}, {Schedule(m.Spec)}.";

    /// <summary>Windows, one row each: traffic, drift, metric, quality and the active alerts of the window's series.</summary>
    public static Table Windows(IReadOnlyList<MonitorWindow> windows, IReadOnlyList<Alert> activeAlerts)
    {
        var table = CliOutput.NewTable("Version", "Deployment", "Arm", "Window end (UTC)", "Requests", "Errors", "Drifted share", "Metric", "Quality", "Active alerts");
        foreach (var w in windows)
        {
            var alerts = activeAlerts.Count(a => a.Version == w.Version && a.Deployment == w.Deployment && a.Arm == w.Arm);
            table.AddRow(
                CliOutput.Cell(w.Version),
                CliOutput.Cell(w.Deployment ?? "-"),
                CliOutput.Cell(w.Arm ?? "-"),
                CliOutput.Cell(Formats.Time(w.EndMs)),
                CliOutput.Cell(w.Requests.ToString(Invariant)),
                CliOutput.Cell(w.Errors.ToString(Invariant)),
                w.DatasetDrift == true ? CliOutput.Highlight(Drift(w)) : CliOutput.Cell(Drift(w)),
                CliOutput.Cell(Metric(w.Performance)),
                w.Quality is { Passed: false } ? CliOutput.Highlight(Quality(w.Quality)) : CliOutput.Cell(Quality(w.Quality)),
                alerts > 0 ? CliOutput.Highlight(alerts.ToString(Invariant)) : CliOutput.Cell("0"));
        }

        return table;
    }

    /// <summary>Alerts, one row each.</summary>
    public static Table Alerts(IReadOnlyList<Alert> alerts)
    {
        var table = CliOutput.NewTable("State", "Severity", "Rule", "Kind", "Series", "Value", "Since (UTC)", "Message");
        foreach (var a in alerts)
        {
            table.AddRow(
                a.State == AlertStates.Firing ? CliOutput.Highlight(a.State) : CliOutput.Cell(a.State),
                CliOutput.Cell(a.Severity),
                CliOutput.Cell(a.Rule),
                CliOutput.Cell(a.Kind),
                CliOutput.Cell(Series(a.Version, a.Deployment, a.Arm)),
                CliOutput.Cell(a.Value is { } v ? Number(v) : "-"),
                CliOutput.Cell(Formats.Time(a.SinceMs)),
                CliOutput.Cell(ModelsFormat.Shorten(a.Message, 80)));
        }

        return table;
    }

    /// <summary>Alert changes, one row each, with their evidence shortened.</summary>
    public static Table History(IReadOnlyList<AlertEventView> events)
    {
        var table = CliOutput.NewTable("Time (UTC)", "Rule", "Change", "Value", "Message", "Evidence");
        foreach (var e in events)
        {
            table.AddRow(
                CliOutput.Cell(Formats.Time(e.AtMs)),
                CliOutput.Cell(e.Rule),
                CliOutput.Cell($"{e.From ?? "new"} → {e.To}"),
                CliOutput.Cell(e.Value is { } v ? Number(v) : "-"),
                CliOutput.Cell(ModelsFormat.Shorten(e.Message, 60)),
                CliOutput.Cell(ModelsFormat.Shorten(e.Evidence.GetRawText(), 80)));
        }

        return table;
    }

    private static string Series(string version, string? deployment, string? arm) =>
        deployment is null ? $"v{version}" : $"v{version} {deployment}/{arm ?? "-"}";

    private static string Drift(MonitorWindow w) => w.DriftedShare is { } share
        ? string.Create(Invariant, $"{share * 100:0.#}%{(w.DatasetDrift == true ? " (drift)" : string.Empty)}")
        : "-";

    private static string Metric(WindowPerformance? p)
    {
        if (p is null)
        {
            return "-";
        }

        var parts = new List<string>(3);
        parts.Add(p.Value is { } v ? string.Create(Invariant, $"{p.Metric} {Number(v)} ({p.LabelledRows} labelled)") : $"{p.Metric} - (no labels)");
        if (p.Estimated is { } est)
        {
            parts.Add($"est. {Number(est)}");
        }

        if (p.Validation is { } val)
        {
            parts.Add($"val. {Number(val)}");
        }

        return string.Join("; ", parts);
    }

    private static string Quality(WindowQuality? q) => q switch
    {
        null => "-",
        { Passed: true } => "ok",
        _ => string.Create(Invariant, $"failed ({q.Failures.Count})"),
    };

    private static string Number(double value) => Math.Round(value, 4).ToString(Invariant);
}
