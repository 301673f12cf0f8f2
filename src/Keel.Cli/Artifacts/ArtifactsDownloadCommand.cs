using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Artifacts;

/// <summary><c>keel artifacts download RUN_ID [PATH]</c>: a file, or a directory recursively.</summary>
internal static class ArtifactsDownloadCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var runId = new Argument<string>("run-id") { Description = "The run." };
        var path = new Argument<string?>("path") { Description = "File or directory under the run's artifact root (default: everything).", Arity = ArgumentArity.ZeroOrOne };
        var dest = new Option<string>("--dest", "-d") { Description = "Local directory to write into; artifact paths are kept below it.", DefaultValueFactory = _ => "." };
        var command = new Command("download", "Download a run's artifact file, or a directory recursively.") { runId, path, dest };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var destination = Path.GetFullPath(ctx.Parse.GetValue(dest)!);
            var files = await ctx.Client.DownloadRunArtifactsAsync(ctx.Parse.GetValue(runId)!, ctx.Parse.GetValue(path), destination, ct).ConfigureAwait(false);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { Destination = destination, Files = files });
                return;
            }

            foreach (var file in files)
            {
                ctx.Output.WriteLine(file);
            }

            ctx.Output.WriteLine($"Downloaded {files.Count} file{(files.Count == 1 ? string.Empty : "s")} to {destination}.");
        });
        return command;
    }
}
