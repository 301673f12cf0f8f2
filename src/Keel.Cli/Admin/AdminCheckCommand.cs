using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Storage.Sqlite;
using Spectre.Console;

namespace Keel.Cli.Admin;

/// <summary>
/// <c>keel admin check [--backend-store-uri sqlite:///path] [--json]</c>: the full integrity check of
/// a local store (SQLite's <c>integrity_check</c> and <c>foreign_key_check</c>, and Keel's schema
/// verification). It only reads, so it may run while a server uses the store. Exit code 0 = healthy,
/// 1 = problems found, 2 = the check could not run (no such file, bad URI).
/// </summary>
internal static class AdminCheckCommand
{
    public const int Healthy = 0, ProblemsFound = 1, Error = 2;

    /// <summary>The store <c>keel server</c> uses by default.</summary>
    public static Command Create(GlobalOptions globals)
    {
        var settings = globals.Settings;
        var backend = new Option<string>("--backend-store-uri")
        {
            Description = $"The store to check, e.g. sqlite:////var/lib/keel/keel.db (same as --tracking-uri sqlite:///...). {StoreChoice.RuleHelp}",
        };
        var command = new Command("check", "Check a local store's integrity: every page and index, foreign keys and the schema. Exit 0 healthy, 1 problems, 2 error.") { backend };
        var json = command.AddJsonOption();
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                StoreChoice location;
                try
                {
                    location = globals.ResolveStore(parse, parse.GetValue(backend));
                }
                catch (UsageException e)
                {
                    throw KeelException.InvalidParameter(e.Message);
                }

                if (!location.IsSqlite)
                {
                    throw KeelException.InvalidParameter($"keel admin check reads a local sqlite:/// store; got {(location.IsLocal ? string.Empty : "the server ")}{location.Uri} ({location.Origin}).");
                }

                await settings.Error.WriteLineAsync(location.Line).ConfigureAwait(false);
                var report = await Task.Run(() => SqliteStoreCheck.Run(location.DatabasePath!), cancellationToken).ConfigureAwait(false);
                var output = new CliOutput(settings, parse.GetValue(json));
                output.WriteResult(report, r => Print(output, r));
                return report.Healthy ? Healthy : ProblemsFound;
            }
            catch (Exception e) when (e is KeelException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                await settings.Error.WriteLineAsync("error: " + ErrorReporter.OneLine(e.Message)).ConfigureAwait(false);
                return Error;
            }
        });
        return command;
    }

    private static void Print(CliOutput output, StoreCheckReport report)
    {
        var table = CliOutput.NewTable("Check", "Result", "Problems");
        foreach (var check in report.Checks)
        {
            table.AddRow(
                CliOutput.Cell(check.Name),
                check.Ok ? CliOutput.Cell("ok") : CliOutput.Highlight($"{check.Problems.Count} problem{(check.Problems.Count == 1 ? string.Empty : "s")}"),
                CliOutput.Cell(string.Join(Environment.NewLine, check.Problems.Take(10)) + (check.Problems.Count > 10 ? $"{Environment.NewLine}... ({check.Problems.Count - 10} more; --json lists up to {SqliteStoreCheck.MaxProblems})" : string.Empty)));
        }

        output.Write(table);
        output.WriteLine(report.Healthy
            ? $"{report.DatabasePath}: healthy (schema version {report.SchemaVersion})."
            : $"{report.DatabasePath}: problems found. Stop the server and restore the file from a backup.");
    }
}
