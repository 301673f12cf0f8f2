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
        var destArgument = new Argument<string?>("destination") { Description = "Local directory to write into (same as --dest).", Arity = ArgumentArity.ZeroOrOne };
        var dest = new Option<string?>("--dest", "-d") { Description = "Local directory to write into; artifact paths are kept below it. Default: the current directory." };
        var command = new Command("download", "Download a run's artifact file, or a directory recursively.") { runId, path, destArgument, dest };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var positional = ctx.Parse.GetValue(destArgument);
            var option = ctx.Parse.GetValue(dest);
            if (positional is not null && option is not null)
            {
                throw new UsageException("Give the destination once: as the third argument or with --dest.");
            }

            var destination = Path.GetFullPath(positional ?? option ?? ".");
            var artifacts = await RunArtifacts.OpenAsync(ctx.Store, ctx.Parse.GetValue(runId)!, ct).ConfigureAwait(false);
            var files = await artifacts.DownloadAsync(ctx.Parse.GetValue(path), destination, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new { Destination = destination, Files = files }, r => ctx.Output.WritePathsAndSummary(r.Files, "Downloaded", $"to {r.Destination}"));
        });
        return command;
    }
}
