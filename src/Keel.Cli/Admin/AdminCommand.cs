using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Admin;

/// <summary><c>keel admin</c>: maintenance of a local store.</summary>
internal static class AdminCommand
{
    public static Command Create(GlobalOptions globals) => new("admin", "Maintenance of a Keel store: check, migrate-store, create-user.")
    {
        AdminCheckCommand.Create(globals),
        AdminMigrateStoreCommand.Create(globals),
        AdminCreateUserCommand.Create(globals),
    };
}
