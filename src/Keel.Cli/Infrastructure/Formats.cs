using System.Globalization;
using Keel.Core.Tracking;

namespace Keel.Cli.Infrastructure;

/// <summary>How values look in tables, and parsing of shared option values.</summary>
public static class Formats
{
    /// <summary>Unix milliseconds as <c>yyyy-MM-dd HH:mm:ss</c> UTC; empty for null or 0.</summary>
    public static string Time(long? unixMilliseconds) => unixMilliseconds is > 0 and long ms
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        : string.Empty;

    /// <summary>A duration such as <c>850ms</c>, <c>12.3s</c>, <c>4m 05s</c> or <c>2h 03m</c>.</summary>
    public static string Duration(long? startMs, long? endMs)
    {
        if (startMs is not > 0 || endMs is not > 0 || endMs < startMs)
        {
            return string.Empty;
        }

        var d = TimeSpan.FromMilliseconds(endMs.Value - startMs.Value);
        return d.TotalSeconds < 1 ? $"{d.TotalMilliseconds:0}ms"
            : d.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0}s")
            : d.TotalHours < 1 ? $"{(int)d.TotalMinutes}m {d.Seconds:00}s"
            : $"{(int)d.TotalHours}h {d.Minutes:00}m";
    }

    /// <summary>A metric value: shortest round-trip form, invariant culture.</summary>
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The status as MLflow spells it (FINISHED).</summary>
    public static string Status(RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Scheduled => "SCHEDULED",
        RunStatus.Finished => "FINISHED",
        RunStatus.Failed => "FAILED",
        RunStatus.Killed => "KILLED",
        _ => status.ToString().ToUpperInvariant(),
    };

    /// <summary>Parses <c>active</c>, <c>deleted</c> or <c>all</c>.</summary>
    public static ViewType ParseView(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "active" or "active_only" => ViewType.ActiveOnly,
        "deleted" or "deleted_only" => ViewType.DeletedOnly,
        "all" => ViewType.All,
        _ => throw new UsageException($"Invalid view '{text}': expected active, deleted or all."),
    };

    /// <summary>Parses <c>key=value</c> tag arguments.</summary>
    public static IReadOnlyList<(string Key, string Value)> ParseTags(IEnumerable<string>? tags)
    {
        var list = new List<(string, string)>();
        foreach (var tag in tags ?? [])
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"Invalid tag '{tag}': expected key=value.");
            }

            list.Add((tag[..eq], tag[(eq + 1)..]));
        }

        return list;
    }
}
