using System.CommandLine;
using Keel.Client;

namespace Keel.Cli.Infrastructure;

/// <summary>What a command that talks to the tracking server gets: its parse result, a client and an output.</summary>
public sealed record ApiCommandContext(ParseResult Parse, KeelClient Client, CliOutput Output);

/// <summary>Wires commands that call the tracking server.</summary>
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
    /// Sets an action that gets a client for <c>--tracking-uri</c>. Failures propagate to
    /// <see cref="ErrorReporter"/>, which prints them on one line with the matching exit code.
    /// </summary>
    public static void SetApiAction(this Command command, GlobalOptions globals, Option<bool> json, Func<ApiCommandContext, CancellationToken, Task> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(globals);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = globals.CreateClient(parse);
            var output = new CliOutput(globals.Settings, parse.GetValue(json));
            await action(new ApiCommandContext(parse, client, output), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
    }
}
