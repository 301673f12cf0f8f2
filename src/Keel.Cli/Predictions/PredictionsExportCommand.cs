using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Core.Predictions;

namespace Keel.Cli.Predictions;

/// <summary>
/// <c>keel predictions export --model NAME [--from T1] [--to T2] [--format parquet|csv] OUT</c>:
/// a model's prediction log with the ground truth joined, one line per scored row.
/// </summary>
internal static class PredictionsExportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var output = new Argument<string>("out") { Description = "The file to write (.parquet or .csv)." };
        var model = new Option<string>("--model", "-m") { Description = "The served model name.", Required = true };
        var from = new Option<string?>("--from") { Description = "Only predictions at or after this time (ISO-8601 or Unix ms)." };
        var to = new Option<string?>("--to") { Description = "Only predictions before this time (ISO-8601 or Unix ms)." };
        var format = new Option<string?>("--format", "-f") { Description = "parquet or csv. Default: from OUT's extension, else parquet." };
        format.AcceptOnlyFromAmong("parquet", "csv");
        var backend = new Option<string?>("--backend-store-uri")
        {
            Description = $"Read this local store, e.g. sqlite:///keel-data/keel.db or a keel serve --prediction-log file (same as --tracking-uri sqlite:///...). {StoreChoice.RuleHelp}",
        };
        var command = new Command("export", "Export a model's prediction log (inputs, outputs, latency, ground truth) to Parquet or CSV.")
        {
            output, model, from, to, format, backend,
        };
        var json = command.AddJsonOption();
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cliOutput = new CliOutput(globals.Settings, parse.GetValue(json));
            var query = new PredictionQuery(
                parse.GetValue(model)!,
                parse.GetValue(from) is { } f ? ModelsFormat.ParseTime(f, "--from") : null,
                parse.GetValue(to) is { } t ? ModelsFormat.ParseTime(t, "--to") : null,
                PredictionQuery.MaxPageSize);
            if (query.FromMs is { } a && query.ToMs is { } b && b < a)
            {
                throw new UsageException($"--to ({b}) is before --from ({a}).");
            }

            var path = Path.GetFullPath(parse.GetValue(output)!);
            var kind = parse.GetValue(format) ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "parquet");
            if (Directory.Exists(path) || !Directory.Exists(Path.GetDirectoryName(path)))
            {
                throw new UsageException($"Cannot write '{path}': it is a folder, or its folder does not exist.");
            }

            var location = globals.ResolveStore(parse, parse.GetValue(backend));
            if (location.IsSqlite && !File.Exists(location.DatabasePath))
            {
                // Reading only: an empty store would just say nothing was logged.
                throw new UsageException($"No Keel database at '{location.DatabasePath}' ({location.Origin}). Name one with --backend-store-uri sqlite:///path/keel.db, or a server with --tracking-uri.");
            }

            var source = globals.OpenStore(location);
            await using (source.ConfigureAwait(false))
            {
                var logged = await ReadAllAsync(source, query, cancellationToken).ConfigureAwait(false);
                var table = PredictionExportTable.Build(logged);
                try
                {
                    if (kind == "csv")
                    {
                        await table.WriteCsvAsync(path, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await table.WriteParquetAsync(path, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"Cannot write '{path}': {e.Message}", e);
                }

                var summary = new ExportSummary(query.ModelName, path, kind, logged.Count, table.RowCount, logged.Count(l => l.LabelsJson is not null));
                cliOutput.WriteResult(summary, s => cliOutput.WriteLine(
                    $"Exported {s.Rows} row{(s.Rows == 1 ? string.Empty : "s")} from {s.Requests} request{(s.Requests == 1 ? string.Empty : "s")} ({s.LabelledRequests} with feedback) of model '{s.Model}' to {s.Path}."));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Every logged prediction the query matches, oldest first.</summary>
    private static async Task<List<LoggedPrediction>> ReadAllAsync(CliStore store, PredictionQuery query, CancellationToken cancellationToken)
    {
        var all = new List<LoggedPrediction>();
        var page = query;
        while (true)
        {
            var result = await store.SearchPredictionsAsync(page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (result.NextPageToken is null)
            {
                return all;
            }

            page = page with { PageToken = result.NextPageToken };
        }
    }

    /// <summary>What <c>--json</c> prints.</summary>
    internal sealed record ExportSummary(string Model, string Path, string Format, int Requests, int Rows, int LabelledRequests);
}
