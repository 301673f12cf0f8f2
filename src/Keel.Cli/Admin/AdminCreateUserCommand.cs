using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Server.Auth;
using Spectre.Console;

namespace Keel.Cli.Admin;

/// <summary>
/// <c>keel admin create-user NAME [--admin]</c>: adds a user to a store opened in-process (SQLite or PostgreSQL), with the password
/// read from stdin (first line) or, on a terminal, asked for without echo. Keel has no default
/// admin: this (or the setup token a server with <c>--auth</c> prints at first start) makes the first.
/// </summary>
internal static class AdminCreateUserCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var settings = globals.Settings;
        var name = new Argument<string>("name") { Description = "The user name." };
        var admin = new Option<bool>("--admin") { Description = "Make the user an admin (passes every permission check)." };
        var backend = new Option<string>("--backend-store-uri") { Description = $"The local store, e.g. sqlite:////var/lib/keel/keel.db. {StoreChoice.RuleHelp}" };
        var command = new Command("create-user", "Create a user in a local store; the password is read from stdin, or asked for on a terminal.") { name, admin, backend };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var location = globals.ResolveStore(parse, parse.GetValue(backend));
                if (!location.IsLocal)
                {
                    throw KeelException.InvalidParameter($"keel admin create-user writes a store in-process (sqlite:/// or postgresql://); got the server {location.Uri} ({location.Origin}). Use the server's users/create API as an admin.");
                }

                await settings.Error.WriteLineAsync(location.Line).ConfigureAwait(false);
                var password = ReadPassword(settings);
                if (location.IsSqlite)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(location.DatabasePath)!);
                }

                var store = CliStore.Open(location, settings);
                await using (store.ConfigureAwait(false))
                {
                    var auth = new AuthService(store.Local!.Auth, new IdentityPasswordHasher(), new AuthOptions(), TimeProvider.System);
                    var user = await auth.CreateUserAsync(parse.GetValue(name), password, parse.GetValue(admin), cancellationToken).ConfigureAwait(false);
                    await settings.Out.WriteLineAsync($"Created {(user.IsAdmin ? "admin" : "user")} {user.Username} (id {user.Id}).").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
            catch (Exception e) when (e is KeelException or UsageException or IOException)
            {
                await settings.Error.WriteLineAsync("error: " + ErrorReporter.OneLine(e.Message)).ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static string ReadPassword(CliSettings settings)
    {
        if (ReferenceEquals(settings.In, Console.In) && !Console.IsInputRedirected)
        {
            return AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
        }

        return settings.In.ReadLine() ?? throw KeelException.InvalidParameter("No password on stdin: pipe it in (first line), or run on a terminal to be asked.");
    }
}
