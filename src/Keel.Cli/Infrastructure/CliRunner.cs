using System.CommandLine;
using System.CommandLine.Invocation;

namespace Keel.Cli.Infrastructure;

/// <summary>Parses and invokes a command line; every failure ends as one stderr line and an exit code.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args, CliSettings settings, CancellationToken cancellationToken)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            var path = string.Join(' ', parse.CommandResult.Command is RootCommand ? ["keel"] : CommandPath(parse));
            settings.Error.WriteLine($"error: {ErrorReporter.OneLine(MostRelevantError(parse))} (see '{path} --help')");
            return ExitCodes.Failure;
        }

        var invocation = new InvocationConfiguration
        {
            Output = settings.Out,
            Error = settings.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (parse.CommandResult.Command is HostCommand)
        {
            // The host stops itself on SIGINT/SIGTERM, waiting for requests in flight (HostCommand).
            invocation.ProcessTerminationTimeout = null;
        }

        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, settings.Error);
        }
    }

    /// <summary>
    /// An unrecognised word explains more than "Required command was not provided", which the parser
    /// also reports for <c>keel frobnicate</c>; so errors naming an unmatched token come first.
    /// </summary>
    private static string MostRelevantError(ParseResult parse)
    {
        foreach (var error in parse.Errors)
        {
            if (parse.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)))
            {
                return error.Message;
            }
        }

        return parse.Errors[0].Message;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(result.Command is RootCommand ? "keel" : result.Command.Name);
        }

        return names;
    }
}
