using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Artifacts;

/// <summary><c>keel artifacts upload RUN_ID LOCAL_PATH</c>: a file, or a directory's contents recursively.</summary>
internal static class ArtifactsUploadCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var runId = new Argument<string>("run-id") { Description = "The run." };
        var local = new Argument<string>("local-path") { Description = "File or directory to upload." };
        var artifactPath = new Option<string?>("--artifact-path", "-a") { Description = "Directory under the run's artifact root to upload into (default: the root)." };
        var command = new Command("upload", "Upload a file, or a directory's contents, to a run's artifacts.") { runId, local, artifactPath };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var id = ctx.Parse.GetValue(runId)!;
            var artifacts = await RunArtifacts.OpenAsync(ctx.Store, id, ct).ConfigureAwait(false);
            var uploaded = await artifacts.UploadAsync(ctx.Parse.GetValue(local)!, ctx.Parse.GetValue(artifactPath), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new { RunId = id, ArtifactPaths = uploaded }, r => ctx.Output.WritePathsAndSummary(r.ArtifactPaths, "Uploaded", $"to run {r.RunId}"));
        });
        return command;
    }
}
