using Keel.Client;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// What the CLI reads from and writes to outside its arguments. The defaults are the process's
/// console and environment; tests pass writers and variables of their own.
/// </summary>
public sealed class CliSettings
{
    /// <summary>Where results go (tables, or JSON with <c>--json</c>).</summary>
    /// <value><see cref="Console.Out"/>.</value>
    public TextWriter Out { get; init; } = Console.Out;

    /// <summary>Where errors go, one line each.</summary>
    /// <value><see cref="Console.Error"/>.</value>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Where secrets a command reads come from (<c>keel admin create-user</c>'s password).</summary>
    /// <value><see cref="Console.In"/>.</value>
    public TextReader In { get; init; } = Console.In;

    /// <summary>Reads an environment variable (KEEL_TRACKING_URI, MLFLOW_TRACKING_URI, NO_COLOR).</summary>
    /// <value><see cref="Environment.GetEnvironmentVariable(string)"/>.</value>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The folder the default local store (<c>./keel-data</c>) is under.</summary>
    /// <value><see cref="Environment.CurrentDirectory"/>.</value>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Retry and timeout settings of the client the commands use.</summary>
    /// <value>The <see cref="KeelClientOptions"/> defaults.</value>
    public KeelClientOptions ClientOptions { get; init; } = new();

    /// <summary>Forces ANSI colours on or off; null decides by itself.</summary>
    /// <value>null: colours only when <see cref="Out"/> is the console, stdout is a terminal and NO_COLOR is unset.</value>
    public bool? Color { get; init; }

    /// <summary>Whether <see cref="Out"/> is a terminal (the process's console, not redirected to a pipe or file).</summary>
    internal bool OutIsTerminal => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;

    internal bool UseColor => Color
        ?? (ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(GetEnvironmentVariable("NO_COLOR")));
}
