using System.CommandLine;
using System.Globalization;
using Keel.Cli.Infrastructure;
using Spectre.Console;
using FileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Cli.Artifacts;

/// <summary><c>keel artifacts list RUN_ID [PATH]</c>: a directory of a run's artifacts, optionally the whole tree.</summary>
internal static class ArtifactsListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var runId = new Argument<string>("run-id") { Description = "The run." };
        var path = new Argument<string?>("path") { Description = "Directory under the run's artifact root (default: the root).", Arity = ArgumentArity.ZeroOrOne };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "List subdirectories too." };
        var command = new Command("list", "List a run's artifacts.") { runId, path, recursive };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var artifacts = await RunArtifacts.OpenAsync(ctx.Store, ctx.Parse.GetValue(runId)!, ct).ConfigureAwait(false);
            var files = await ListAsync(artifacts, ctx.Parse.GetValue(path), ctx.Parse.GetValue(recursive), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(files, list =>
            {
                var table = CliOutput.NewTable("Path", "Type", "Size");
                table.Columns[2].Alignment = Justify.Right;
                foreach (var file in list)
                {
                    table.AddRow(
                        CliOutput.Cell(file.Path),
                        CliOutput.Cell(file.IsDir ? "dir" : "file"),
                        CliOutput.Cell(file.IsDir ? string.Empty : file.FileSize?.ToString("N0", CultureInfo.InvariantCulture)));
                }

                ctx.Output.Write(table);
            });
        });
        return command;
    }

    private static async Task<List<FileInfo>> ListAsync(RunArtifacts artifacts, string? path, bool recursive, CancellationToken cancellationToken)
    {
        var result = new List<FileInfo>();
        var pending = new Queue<string?>();
        pending.Enqueue(path);
        while (pending.Count > 0)
        {
            foreach (var file in await artifacts.ListAsync(pending.Dequeue(), cancellationToken).ConfigureAwait(false))
            {
                result.Add(file);
                if (recursive && file.IsDir)
                {
                    pending.Enqueue(file.Path);
                }
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return result;
    }
}
