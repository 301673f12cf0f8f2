using System.Globalization;
using System.Text.Json;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;
using Spectre.Console;

namespace Keel.Cli.Models;

/// <summary>How registry values look in tables, and parsing of the registry commands' option values.</summary>
internal static class ModelsFormat
{
    /// <summary>Keel's name of a stage given in either spelling (MLflow's None shows as development).</summary>
    public static string Stage(string? stage) =>
        stage is null ? string.Empty : ModelStages.TryParse(stage, out var s) ? ModelStages.ToKeelName(s) : stage;

    /// <summary>A stage option in either spelling, as MLflow's wire value.</summary>
    public static string ParseStage(string text) =>
        ModelStages.TryParse(text, out var stage)
            ? ModelStages.ToWireName(stage)
            : throw new UsageException($"Invalid stage '{text}': expected development, staging, production or archived (or MLflow's None, Staging, Production, Archived).");

    /// <summary>Unix milliseconds, or an ISO-8601 date/time (UTC unless it names an offset).</summary>
    public static long ParseTime(string text, string option)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            return time.ToUnixTimeMilliseconds();
        }

        throw new UsageException($"Invalid time '{text}' for {option}: expected Unix milliseconds or an ISO-8601 time such as 2026-11-26T18:00:00Z.");
    }

    /// <summary>Aliases as <c>@champion, @shadow</c>.</summary>
    public static string Aliases(IEnumerable<string>? aliases) => string.Join(", ", (aliases ?? []).Select(a => "@" + a));

    /// <summary>A list of versions as <c>version 2</c> or <c>versions 2, 3</c>; <paramref name="none"/> when empty.</summary>
    public static string Versions(IReadOnlyCollection<string> versions, string none = "no version") => versions.Count switch
    {
        0 => none,
        1 => "version " + versions.First(),
        _ => "versions " + string.Join(", ", versions),
    };

    /// <summary>Versions compared by number, not text (10 after 9).</summary>
    public static long Number(string version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;

    /// <summary>One line of a signature: <c>inputs: age (double), income (float) → outputs: score (float)</c>.</summary>
    public static string Signature(string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return string.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(signature);
            var parts = new List<string>();
            foreach (var side in (ReadOnlySpan<string>)["inputs", "outputs"])
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(side, out var columns) && columns.ValueKind == JsonValueKind.Array)
                {
                    parts.Add($"{side}: " + string.Join(", ", columns.EnumerateArray().Select(Column)));
                }
            }

            return parts.Count > 0 ? string.Join(" → ", parts) : Shorten(signature, 200);
        }
        catch (JsonException)
        {
            return Shorten(signature, 200);
        }
    }

    /// <summary>Text cut to <paramref name="max"/> characters, on one line.</summary>
    public static string Shorten(string? text, int max)
    {
        var line = ErrorReporter.OneLine(text ?? string.Empty);
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    /// <summary>A label/value grid, as <c>runs show</c> prints.</summary>
    public static Grid Grid(IEnumerable<(string Label, string? Value)> rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (label, value) in rows)
        {
            grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(value ?? string.Empty));
        }

        return grid;
    }

    /// <summary>A titled table after a blank line; nothing when there are no rows.</summary>
    public static void Section(CliOutput output, string title, string[] columns, IEnumerable<string?[]> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        output.WriteLine(string.Empty);
        output.WriteLine(title);
        var table = CliOutput.NewTable(columns);
        foreach (var row in list)
        {
            table.AddRow(row.Select(CliOutput.Cell));
        }

        output.Write(table);
    }

    private static string Column(JsonElement column)
    {
        if (column.ValueKind != JsonValueKind.Object)
        {
            return column.ToString();
        }

        var name = column.TryGetProperty("name", out var n) ? n.ToString() : "?";
        return column.TryGetProperty("type", out var t) ? $"{name} ({t})" : name;
    }
}
