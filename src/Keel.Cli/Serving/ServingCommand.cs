using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Serving;

/// <summary>
/// <c>keel serving</c>: which registered models a running <c>keel server</c> serves, by name, at
/// <c>/serving/NAME/invocations</c> and <c>/v2/models/NAME/infer</c>. Serving lives in the server,
/// so these commands always talk to one (<c>--tracking-uri</c>, <c>$KEEL_TRACKING_URI</c>).
/// </summary>
internal static class ServingCommand
{
    public static Command Create(GlobalOptions globals) => new("serving", "Models a running keel server serves by name: add, list, remove.")
    {
        ServingAddCommand.Create(globals),
        ServingListCommand.Create(globals),
        ServingRemoveCommand.Create(globals),
    };

    /// <summary>The MLflow scoring path of a served model on the server.</summary>
    public static string InvocationsPath(string name) => $"/serving/{Uri.EscapeDataString(name)}/invocations";
}
