using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Serving;

/// <summary>
/// <c>keel serving</c>: which registered models a running <c>keel server</c> serves, by name, at
/// <c>/serving/NAME/invocations</c> and <c>/v2/models/NAME/infer</c>. The store is chosen by the
/// one rule (<see cref="StoreChoice"/>): on a server the change takes effect at once; on a local
/// store the served-model entries are stored, and <c>keel server</c> on that store serves them when it starts.
/// </summary>
internal static class ServingCommand
{
    public static Command Create(GlobalOptions globals) => new("serving", "Models keel server serves by name: add, list, remove. " + StoreChoice.RuleHelp)
    {
        ServingAddCommand.Create(globals),
        ServingListCommand.Create(globals),
        ServingRemoveCommand.Create(globals),
    };

    /// <summary>The MLflow scoring path of a served model on the server.</summary>
    public static string InvocationsPath(string name) => $"/serving/{Uri.EscapeDataString(name)}/invocations";
}
