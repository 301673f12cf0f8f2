using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Runs;

/// <summary><c>keel runs</c>: list, show, compare and delete runs.</summary>
internal static class RunsCommand
{
    public static Command Create(GlobalOptions globals) => new("runs", "List, show, compare and delete runs.")
    {
        RunsListCommand.Create(globals),
        RunsShowCommand.Create(globals),
        RunsCompareCommand.Create(globals),
        RunsDeleteCommand.Create(globals),
    };
}
