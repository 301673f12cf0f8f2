using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Experiments;

/// <summary><c>keel experiments</c>: list, create and delete experiments.</summary>
internal static class ExperimentsCommand
{
    public static Command Create(GlobalOptions globals) => new("experiments", "List, create and delete experiments.")
    {
        ExperimentsListCommand.Create(globals),
        ExperimentsCreateCommand.Create(globals),
        ExperimentsDeleteCommand.Create(globals),
    };
}
