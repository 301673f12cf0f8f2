using System.Text.Json;
using Keel.Core.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// Writes a command's results: aligned tables and short messages for people, or JSON (and nothing
/// else) on stdout for scripts when <see cref="Json"/> is set.
/// </summary>
public sealed class CliOutput
{
    /// <summary>
    /// Tables are never wrapped inside cells (ids and timestamps stay whole); a line longer than the
    /// terminal is wrapped by the terminal, as kubectl's and docker's tables are.
    /// </summary>
    internal const int UnboundedWidth = 4096;

    private static readonly JsonSerializerOptions IndentedJson = new(KeelJson.Options) { WriteIndented = true };

    public CliOutput(CliSettings settings, bool json)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Json = json;
        Out = settings.Out;
        UseColor = settings.UseColor;
    }

    /// <summary>Whether the user asked for <c>--json</c>.</summary>
    public bool Json { get; }

    /// <summary>Whether ANSI colours are on.</summary>
    public bool UseColor { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Writes <paramref name="value"/> as indented JSON in MLflow's conventions (snake_case).</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, IndentedJson));

    /// <summary>The result of a command: <paramref name="value"/> as JSON with <c>--json</c>, otherwise <paramref name="human"/> renders it.</summary>
    public void WriteResult<T>(T value, Action<T> human)
    {
        ArgumentNullException.ThrowIfNull(human);
        if (Json)
        {
            WriteJson(value);
        }
        else
        {
            human(value);
        }
    }

    /// <summary>Lists paths one per line, then a summary such as "Uploaded 3 files to run X.".</summary>
    public void WritePathsAndSummary(IReadOnlyCollection<string> paths, string verb, string where)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            Out.WriteLine(path);
        }

        Out.WriteLine($"{verb} {paths.Count} file{(paths.Count == 1 ? string.Empty : "s")} {where}.");
    }

    /// <summary>Writes a line of plain text (never markup).</summary>
    public void WriteLine(string text) => Out.WriteLine(text);

    /// <summary>
    /// Writes any Spectre renderable (table, grid) without the padding Spectre adds: no trailing
    /// blanks on a line and no blank first or last line, so output diffs and greps cleanly.
    /// </summary>
    public void Write(IRenderable renderable)
    {
        using var buffer = new StringWriter();
        CreateConsole(buffer).Write(renderable);
        var lines = buffer.ToString().ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.FindIndex(l => l.Length > 0);
        var last = lines.FindLastIndex(l => l.Length > 0);
        for (var i = first; i >= 0 && i <= last; i++)
        {
            Out.WriteLine(lines[i]);
        }
    }

    private IAnsiConsole CreateConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = UseColor ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = UseColor ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = UnboundedWidth;
        return console;
    }

    /// <summary>A table with Keel's look: a header rule and aligned columns, no outer frame.</summary>
    public static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }


        return table;
    }

    /// <summary>Plain text cell: never interpreted as markup.</summary>
    public static IRenderable Cell(string? text) => new Text(text ?? string.Empty);

    /// <summary>A highlighted cell (differing values in <c>runs compare</c>).</summary>
    public static IRenderable Highlight(string? text) => new Text(text ?? string.Empty, new Style(Color.Yellow, decoration: Decoration.Bold));
}
