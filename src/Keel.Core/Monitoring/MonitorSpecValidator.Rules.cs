namespace Keel.Core.Monitoring;

// Alert rules, their actions and the notifiers.
public static partial class MonitorSpecValidator
{
    private static readonly string[] Severities = ["warning", "critical"];
    private static readonly string[] ActionKinds = ["rollback_deployment", "rollback_production", "retrain"];
    private static readonly string[] NotifierKinds = ["webhook", "log"];
    private static readonly string[] Formats = ["json", "slack"];

    private static List<AlertRule> Rules(List<string> errors, IReadOnlyList<AlertRule> rules)
    {
        if (rules.Count > MaxRules)
        {
            errors.Add($"At most {MaxRules} rules.");
            return [];
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<AlertRule>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = $"rules[{i}]";
            if (rule is null)
            {
                errors.Add($"'{at}' is empty.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 128)
            {
                errors.Add($"'{at}.name' is required (1 to 128 characters).");
            }
            else if (rule.Name.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0 || rule.Name.Contains('\u007f'))
            {
                // Rule names go into logs, webhook payloads and Slack messages: one line of text.
                errors.Add($"'{at}.name' must not contain control characters.");
            }
            else if (!names.Add(rule.Name))
            {
                errors.Add($"Rule name '{Shown(rule.Name)}' is used twice.");
            }

            if (rule.Kind is null || !AlertRuleKinds.All.Contains(rule.Kind))
            {
                errors.Add($"Unknown kind '{Shown(rule.Kind)}' in '{at}.kind': use one of {string.Join(", ", AlertRuleKinds.All)}.");
            }

            var threshold = rule.Threshold;
            if (threshold is null && rule.Kind is not (AlertRuleKinds.DataQuality or AlertRuleKinds.NoTraffic))
            {
                errors.Add($"'{at}.threshold' is required for kind '{Shown(rule.Kind)}'.");
            }
            else if (threshold is { } t && !double.IsFinite(t))
            {
                errors.Add($"'{at}.threshold' must be a finite number.");
            }

            if (rule.Kind is AlertRuleKinds.DriftedShare or AlertRuleKinds.ErrorRate && threshold is < 0 or > 1)
            {
                errors.Add($"'{at}.threshold' is a share: between 0 and 1.");
            }

            if (rule.ClearThreshold is { } c && !double.IsFinite(c))
            {
                errors.Add($"'{at}.clear_threshold' must be a finite number.");
            }

            if (rule.For is < 1 or > 1000 || rule.ClearFor is < 1 or > 1000)
            {
                errors.Add($"'{at}.for' and '{at}.clear_for' are window counts between 1 and 1000.");
            }

            if (rule.Severity is not null && !Severities.Contains(rule.Severity))
            {
                errors.Add($"Unknown severity '{Shown(rule.Severity)}' in '{at}.severity': use warning or critical.");
            }

            var actions = rule.Actions ?? [];
            for (var a = 0; a < actions.Count; a++)
            {
                var action = actions[a];
                if (action?.Kind is null || !ActionKinds.Contains(action.Kind))
                {
                    errors.Add($"Unknown action '{Shown(action?.Kind)}' in '{at}.actions[{a}].kind': use one of {string.Join(", ", ActionKinds)}.");
                }
                else if (action.Kind == "retrain" && string.IsNullOrWhiteSpace(action.Pipeline))
                {
                    errors.Add($"'{at}.actions[{a}].pipeline' is required for a retrain action.");
                }
            }

            result.Add(rule with
            {
                Threshold = threshold ?? (rule.Kind == AlertRuleKinds.NoTraffic ? 1 : null),
                For = rule.For ?? 1,
                ClearFor = rule.ClearFor ?? 1,
                Severity = rule.Severity ?? "warning",
                Actions = actions.Where(x => x is not null).Select(x => x.Kind == "rollback_production" ? x with { Alias = x.Alias ?? "production" } : x).ToList(),
            });
        }

        return result;
    }

    private static List<NotifierSpec> Notifiers(List<string> errors, IReadOnlyList<NotifierSpec> notifiers)
    {
        if (notifiers.Count > MaxRules)
        {
            errors.Add($"At most {MaxRules} notifiers.");
            return [];
        }

        var result = new List<NotifierSpec>(notifiers.Count);
        for (var i = 0; i < notifiers.Count; i++)
        {
            var n = notifiers[i];
            var at = $"notifiers[{i}]";
            if (n?.Kind is null || !NotifierKinds.Contains(n.Kind))
            {
                errors.Add($"Unknown notifier '{Shown(n?.Kind)}' in '{at}.kind': use webhook or log.");
                continue;
            }

            if (n.Kind == "webhook")
            {
                if (!Uri.TryCreate(n.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    errors.Add($"'{at}.url' must be an absolute http(s) URL.");
                }
                else if (Security.MetadataEndpoints.Names(url))
                {
                    // The server posts to it: a cloud metadata address would hand out the host's credentials (MLflow's CVE-2026-2393).
                    errors.Add($"'{at}.url' names a cloud instance-metadata address; Keel does not send requests there.");
                }
                else if (url.UserInfo.Length > 0)
                {
                    errors.Add($"'{at}.url' must not hold credentials (user:password@); every reader of the monitor would see them.");
                }

                if (n.Format is not null && !Formats.Contains(n.Format))
                {
                    errors.Add($"Unknown format '{Shown(n.Format)}' in '{at}.format': use json or slack.");
                }

                if (n.MaxAttempts is < 1 or > 20)
                {
                    errors.Add($"'{at}.max_attempts' must be between 1 and 20.");
                }

                if (n.SecretEnv is { Length: 0 or > 128 })
                {
                    errors.Add($"'{at}.secret_env' names an environment variable (1 to 128 characters).");
                }
            }

            result.Add(n.Kind == "webhook" ? n with { Format = n.Format ?? "json", MaxAttempts = n.MaxAttempts ?? 5 } : n);
        }

        return result;
    }
}
