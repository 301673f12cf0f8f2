using System.Text;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// Writes the Prometheus alerting rules equivalent to monitors' alert rules (<c>keel monitor
/// rules</c>), for teams that alert from Prometheus: one group per model, one alerting rule per
/// Keel rule, over the <see cref="PrometheusMonitoringNames"/> series.
/// </summary>
/// <remarks>
/// Equivalence with the evaluator: the gauges hold each series' latest window and change once per
/// window, so a condition first true at the first breaching window has held for
/// <c>(for − 1) × interval</c> at the <c>for</c>-th: that is the rule's <c>for:</c> (none when
/// <c>for</c> is 1), and likewise <c>keep_firing_for: (clear_for − 1) × interval</c>. A clear
/// threshold (hysteresis) becomes <c>breach or (not yet clear and ALERTS{…, alertstate="firing"})</c>:
/// the firing alert holds until the value is back past the clear threshold, a pending one does not.
/// A metric's direction comes from its name (losses and errors are lower-is-better), as in the
/// windows. Error rates come from the serving counters over <c>window_seconds</c>.
/// </remarks>
public static partial class PrometheusAlertRules
{
    /// <summary>Metrics for which lower is better, as the windows name them (and as the registry does).</summary>
    public static IReadOnlyList<string> LowerIsBetterMetrics { get; } =
        ["rmse", "mae", "mse", "mape", "log_loss", "mean_absolute_error", "mean_squared_error", "root_mean_squared_error", "mean_absolute_percentage_error"];

    /// <summary>The rules file (YAML) for <paramref name="specs"/> (normalised), one group per model, in the order given.</summary>
    public static string Write(IEnumerable<MonitorSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var text = new StringBuilder()
            .AppendLine("# Prometheus alerting rules written by `keel monitor rules` from Keel monitors.")
            .AppendLine("# They watch the keel_monitoring_* gauges of Keel's /metrics (and the serving counters for error rates)")
            .AppendLine("# and fire when Keel's own alert evaluator would; see docs/monitoring.md, \"Alerting from Prometheus\".")
            .AppendLine("groups:");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var spec in specs)
        {
            any = true;
            WriteGroup(text, spec, names);
        }

        if (!any)
        {
            // An empty file is valid; "groups: []" says so explicitly.
            text.Length -= Environment.NewLine.Length;
            text.AppendLine(" []");
        }

        return text.ToString();
    }

    private static void WriteGroup(StringBuilder text, MonitorSpec spec, HashSet<string> names)
    {
        var model = spec.Model ?? throw new ArgumentException("The spec must be normalised (it has no model).", nameof(spec));
        var interval = spec.IntervalSeconds ?? MonitorSpecValidator.DefaultIntervalSeconds;
        var window = spec.WindowSeconds ?? interval;
        text.Append("  - name: ").AppendLine(Yaml($"keel-monitor-{model}"));
        var rules = spec.Rules ?? [];
        if (rules.Count == 0)
        {
            text.AppendLine("    rules: []");
            return;
        }

        text.AppendLine("    rules:");
        foreach (var rule in rules)
        {
            var name = Unique(names, AlertName(model, rule.Name!));
            var (expr, note) = Expression(model, rule, name, window);
            text.Append("      - alert: ").AppendLine(name);
            text.Append("        expr: ").AppendLine(Yaml(expr));
            if (rule.For is > 1)
            {
                text.Append("        for: ").AppendLine(Duration((rule.For.Value - 1) * (long)interval));
            }

            if (rule.ClearFor is > 1)
            {
                text.Append("        keep_firing_for: ").AppendLine(Duration((rule.ClearFor.Value - 1) * (long)interval));
            }

            text.AppendLine("        labels:")
                .Append("          severity: ").AppendLine(Yaml(rule.Severity ?? "warning"))
                .Append("          keel_model: ").AppendLine(Yaml(Template(model)))
                .Append("          keel_rule: ").AppendLine(Yaml(Template(rule.Name!)))
                .Append("          keel_kind: ").AppendLine(Yaml(rule.Kind!));
            text.AppendLine("        annotations:")
                .Append("          summary: ").AppendLine(Yaml(Template($"Keel monitor of {model}: rule {rule.Name} ({rule.Kind}) on version ") + "{{ $labels.version }}"))
                .Append("          description: ").AppendLine(Yaml(Template(Describe(rule, window) + (note is null ? "" : " " + note)) + " Value: {{ $value }}."));
        }
    }
}
