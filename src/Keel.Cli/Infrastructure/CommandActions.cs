using System.CommandLine;

namespace Keel.Cli.Infrastructure;

/// <summary>What a command that works on the stores gets: its parse result, the stores and an output.</summary>
internal sealed record ApiCommandContext(ParseResult Parse, CliStore Store, CliOutput Output);

/// <summary>Wires commands that work on the tracking and registry stores.</summary>
public static class CommandActions
{
    /// <summary>Adds a <c>--json</c> option to <paramref name="command"/>.</summary>
    public static Option<bool> AddJsonOption(this Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON on stdout (and nothing else)." };
        command.Options.Add(json);
        return json;
    }

    /// <summary>
    /// Sets an action that gets the stores <c>--tracking-uri</c> (or the environment, or the local
    /// default) names, after printing which on stderr. Failures propagate to
    /// <see cref="ErrorReporter"/>, which prints them on one line with the matching exit code.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="globals">The global options.</param>
    /// <param name="json">The command's <c>--json</c>.</param>
    /// <param name="action">What the command does.</param>
    /// <param name="backend">The command's <c>--backend-store-uri</c>, when it has one.</param>
    /// <param name="artifacts">The command's <c>--artifacts-uri</c>, when it has one.</param>
    internal static void SetApiAction(this Command command, GlobalOptions globals, Option<bool> json, Func<ApiCommandContext, CancellationToken, Task> action, Option<string>? backend = null, Option<string>? artifacts = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(globals);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = globals.OpenStore(parse, backend is null ? null : parse.GetValue(backend), artifacts is null ? null : parse.GetValue(artifacts));
            await using (store.ConfigureAwait(false))
            {
                var output = new CliOutput(globals.Settings, parse.GetValue(json));
                await action(new ApiCommandContext(parse, store, output), cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
    }
}
