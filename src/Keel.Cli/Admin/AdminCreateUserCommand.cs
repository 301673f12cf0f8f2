using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Server.Auth;
using Keel.Stores;
using Spectre.Console;

namespace Keel.Cli.Admin;

/// <summary>
/// <c>keel admin create-user NAME [--admin]</c>: adds a user to the server's store (a local
/// <c>sqlite:///</c> file or a <c>postgresql://</c> database, opened by <see cref="StoreFactory"/> as the server opens it), with the password
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
        var backend = new Option<string>("--backend-store-uri") { Description = $"The server's store: sqlite:////var/lib/keel/keel.db or postgresql://user@host/db. {StoreChoice.RuleHelp}" };
        var command = new Command("create-user", "Create a user in the server's store (sqlite:/// or postgresql://); the password is read from stdin, or asked for on a terminal.") { name, admin, backend };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var (uri, artifacts, line) = Where(globals, parse, parse.GetValue(backend));
                await settings.Error.WriteLineAsync(line).ConfigureAwait(false);
                var password = ReadPassword(settings);
                var stores = await StoreFactory.OpenAsync(uri, artifacts, new StoreFactoryOptions { Environment = settings.GetEnvironmentVariable }, cancellationToken).ConfigureAwait(false);
                await using (stores.ConfigureAwait(false))
                {
                    var auth = new AuthService(stores.Auth, new IdentityPasswordHasher(), new AuthOptions(), TimeProvider.System);
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

    /// <summary>A postgresql:// --backend-store-uri as given (the server's database); anything else by the CLI's store rule, which must name a local store.</summary>
    private static (string Uri, string Artifacts, string Line) Where(GlobalOptions globals, ParseResult parse, string? backendUri)
    {
        if (backendUri is not null && (backendUri.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || backendUri.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)))
        {
            // Users live in the database; the artifact root is not touched.
            var parsed = BackendStoreUri.Parse(backendUri);
            return (backendUri, Path.Combine(Path.GetTempPath(), "keel-create-user-artifacts"), $"store: {parsed.Display} (--backend-store-uri)");
        }

        var location = globals.ResolveStore(parse, backendUri);
        if (!location.IsLocal)
        {
            throw KeelException.InvalidParameter($"keel admin create-user writes the server's store (sqlite:/// or postgresql://); got the server {location.Uri} ({location.Origin}). Use the server's users/create API as an admin.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(location.DatabasePath)!);
        return (location.Uri, location.ArtifactRoot!, location.Line);
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
