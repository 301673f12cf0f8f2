using System.Text.Json;
using Keel.Cli.Infrastructure;
using Keel.Client;

namespace Keel.Cli.Tests.Infrastructure;

/// <summary>What one CLI invocation produced.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Out).RootElement;

    /// <summary>Lines of stdout, for table assertions.</summary>
    public string[] Lines => Out.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs the real CLI in-process with captured stdout and stderr.</summary>
public static class CliRun
{
    /// <summary>Runs <c>keel args --tracking-uri &lt;server&gt;</c> with no environment variables and no retries.</summary>
    public static Task<CliResult> AgainstAsync(KeelServerFixture server, params string[] args) =>
        RunAsync([.. args, "--tracking-uri", server.BaseAddress.AbsoluteUri]);

    /// <summary>
    /// The working directory of runs that name none: one temp folder per test process, so a command
    /// with no URI uses a <c>keel-data</c> store there, never the repository's or the build's folder.
    /// </summary>
    public static string SharedWorkingDirectory { get; } = Directory.CreateTempSubdirectory("keel-cli-cwd-").FullName;

    /// <summary>Runs <c>keel args</c> with the given environment (and working directory, for the default local store).</summary>
    public static async Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, KeelClientOptions? clientOptions = null, bool? color = null, string? workingDirectory = null, string? input = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var settings = new CliSettings
        {
            Out = stdout,
            Error = stderr,
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var v) ? v : null,
            ClientOptions = clientOptions ?? new KeelClientOptions { MaxRetryAttempts = 0 },
            Color = color,
            WorkingDirectory = workingDirectory ?? SharedWorkingDirectory,
            In = new StringReader(input ?? string.Empty),
        };
        var code = await KeelCli.RunAsync(args, settings, TestContext.Current.CancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The stderr lines but the one <c>store: ...</c> line a command prints first.</summary>
    public static string[] ErrorLinesButStore(CliResult result)
    {
        var lines = result.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        return lines.Length > 0 && lines[0].StartsWith("store: ", StringComparison.Ordinal) ? lines[1..] : lines;
    }

    /// <summary>Asserts stderr holds the one line saying which store the command used, and nothing else.</summary>
    public static void AssertOnlyStoreLine(CliResult result)
    {
        Assert.Matches(@"^store: \S+ \([^)]+\)\n$", result.Error.ReplaceLineEndings("\n"));
    }

    /// <summary>Asserts a failure printed exactly one "error: ..." line (after the store line, if any) and nothing on stdout.</summary>
    public static void AssertOneLineError(CliResult result, int exitCode, string contains)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Equal(string.Empty, result.Out);
        var line = Assert.Single(ErrorLinesButStore(result));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(contains, line, StringComparison.Ordinal);
    }
}
