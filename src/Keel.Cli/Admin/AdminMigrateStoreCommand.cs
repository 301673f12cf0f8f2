using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Storage;
using Keel.Storage.Postgres.Transfer;
using Spectre.Console;

namespace Keel.Cli.Admin;

/// <summary>
/// <c>keel admin migrate-store --from sqlite:///keel.db --to postgresql://user@host/db [--json]</c>:
/// moves an embedded store into an empty PostgreSQL database in one transaction and verifies every
/// table by row count and checksum before committing. Exit code 0 = moved and verified, 1 = a table
/// did not verify (rolled back, nothing written), 2 = the move could not run (nothing written).
/// </summary>
internal static class AdminMigrateStoreCommand
{
    public const int Moved = 0, NotVerified = 1, Error = 2;

    public static Command Create(GlobalOptions globals)
    {
        var settings = globals.Settings;
        var from = new Option<string>("--from") { Description = "The embedded store to move: sqlite:///relative.db or sqlite:////absolute.db.", Required = true };
        var to = new Option<string>("--to") { Description = "An empty PostgreSQL database: postgresql://user:password@host:port/database (Keel creates its tables).", Required = true };
        var command = new Command(
            "migrate-store",
            "Move a SQLite store into an empty PostgreSQL database, verified table by table (counts and checksums) in one transaction. Artifacts stay where they are. Exit 0 moved, 1 not verified (rolled back), 2 error.")
        { from, to };
        var json = command.AddJsonOption();
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var source = StoreUris.ParseBackend(parse.GetValue(from)!);
                if (source.Scheme != "sqlite")
                {
                    throw KeelException.InvalidParameter($"--from must be a sqlite:/// store; got '{parse.GetValue(from)}'.");
                }

                var target = parse.GetValue(to)!;
                if (!target.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) && !target.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
                {
                    throw KeelException.InvalidParameter("--to must be a postgresql:// URI (postgresql://user:password@host:port/database).");
                }

                var output = new CliOutput(settings, parse.GetValue(json));
                var report = await SqliteToPostgres.MoveAsync(source.Path, target, new SynchronousProgress(settings.Error), cancellationToken).ConfigureAwait(false);
                output.WriteResult(report, r => Print(output, r));
                return report.Committed ? Moved : NotVerified;
            }
            catch (Exception e) when (e is KeelException or IOException or UnauthorizedAccessException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
            {
                await settings.Error.WriteLineAsync("error: " + ErrorReporter.OneLine(e.Message)).ConfigureAwait(false);
                return Error;
            }
        });
        return command;
    }

    private static void Print(CliOutput output, StoreTransferReport report)
    {
        var table = CliOutput.NewTable("Table", "Rows", "Checksum", "Verified");
        foreach (var t in report.Tables)
        {
            table.AddRow(
                CliOutput.Cell(t.Table),
                CliOutput.Cell(t.TargetRows.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                CliOutput.Cell(t.TargetChecksum),
                t.Verified ? CliOutput.Cell("yes") : CliOutput.Highlight($"NO: source {t.SourceRows} rows {t.SourceChecksum}"));
        }

        output.Write(table);
        output.WriteLine(report.Committed
            ? $"{report.Source}: moved {report.Rows} rows in {report.Tables.Count} tables to PostgreSQL (schema version {report.TargetSchemaVersion}) in {report.Elapsed.TotalSeconds:F1} s; every table verified. Artifacts were not moved: start the server with the same --artifacts-uri."
            : $"{report.Source}: a table did not verify; the move was rolled back and PostgreSQL holds nothing of it.");
    }

    /// <summary>Prints each verified table as it happens (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(TextWriter error) : IProgress<TableTransfer>
    {
        public void Report(TableTransfer value) =>
            error.WriteLine($"{value.Table}: {value.TargetRows} rows{(value.Verified ? ", verified" : ", NOT VERIFIED")}");
    }
}
