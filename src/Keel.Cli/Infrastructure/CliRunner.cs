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
            settings.Error.WriteLine($"error: {parse.Errors[0].Message} (see '{path} --help')");
            return ExitCodes.Failure;
        }

        var invocation = new InvocationConfiguration
        {
            Output = settings.Out,
            Error = settings.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, settings.Error);
        }
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
