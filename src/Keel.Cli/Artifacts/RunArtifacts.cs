using Keel.Cli.Infrastructure;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.ML.Workflows;
using FileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Cli.Artifacts;

/// <summary>
/// A run's artifacts through <see cref="IArtifactStore"/>, with paths relative to the run's
/// artifact root (as MLflow's <c>list_artifacts</c>, <c>download_artifacts</c> and
/// <c>log_artifacts</c>): the same code for a server (its artifact proxy) and a local store.
/// </summary>
internal sealed class RunArtifacts(IArtifactStore store, string root)
{
    /// <summary>The artifacts of <paramref name="runId"/> in <paramref name="store"/>'s stores.</summary>
    public static async Task<RunArtifacts> OpenAsync(CliStore store, string runId, CancellationToken cancellationToken)
    {
        var run = await store.Tracking.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return new RunArtifacts(store.Artifacts, TrainBackend.RunRoot(run.Info));
    }

    /// <summary>The direct children of <paramref name="path"/> (the root when null), with run-relative paths.</summary>
    public async Task<IReadOnlyList<FileInfo>> ListAsync(string? path, CancellationToken cancellationToken)
    {
        var folder = ArtifactPath.Normalize(path);
        var entries = await store.ListAsync(Full(folder), cancellationToken).ConfigureAwait(false);
        return entries.Select(e => e with { Path = Join(folder, ArtifactPath.FileName(e.Path.TrimEnd('/'))) }).ToList();
    }

    /// <summary>Downloads a file, or a folder recursively, below <paramref name="localDirectory"/>; returns the files written.</summary>
    public async Task<IReadOnlyList<string>> DownloadAsync(string? artifactPath, string localDirectory, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(localDirectory);
        var start = ArtifactPath.Normalize(artifactPath);
        var written = new List<string>();
        var children = await ListAsync(start, cancellationToken).ConfigureAwait(false);
        if (children.Count == 0 && start.Length > 0)
        {
            // A file lists as an empty folder: fetch it as a file.
            await DownloadOneAsync(start, target, written, cancellationToken).ConfigureAwait(false);
            return written;
        }

        Directory.CreateDirectory(target);
        var pending = new Stack<IReadOnlyList<FileInfo>>();
        pending.Push(children);
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop())
            {
                if (entry.IsDir)
                {
                    Directory.CreateDirectory(LocalPath(target, entry.Path));
                    pending.Push(await ListAsync(entry.Path, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    await DownloadOneAsync(entry.Path, target, written, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return written;
    }

    /// <summary>Uploads a file to <c>artifactPath/&lt;name&gt;</c>, or a folder's contents below <c>artifactPath/</c>; returns the paths written.</summary>
    public async Task<IReadOnlyList<string>> UploadAsync(string localPath, string? artifactPath, CancellationToken cancellationToken)
    {
        var uploaded = new List<string>();
        foreach (var (file, target) in LocalUploadPlan.Of(localPath, ArtifactPath.Normalize(artifactPath)))
        {
            await UploadOneAsync(file, target, cancellationToken).ConfigureAwait(false);
            uploaded.Add(target);
        }

        return uploaded;
    }

    private async Task UploadOneAsync(string file, string target, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            await store.WriteAsync(Full(target), stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DownloadOneAsync(string artifactPath, string target, List<string> written, CancellationToken cancellationToken)
    {
        var local = LocalPath(target, artifactPath);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var partial = local + ".partial";
        try
        {
            var input = await store.OpenReadAsync(Full(artifactPath), cancellationToken).ConfigureAwait(false);
            await using (input.ConfigureAwait(false))
            {
                var output = File.Create(partial);
                await using (output.ConfigureAwait(false))
                {
                    await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(partial, local, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        written.Add(local);
    }

    private string Full(string relative) => relative.Length == 0 ? root : root.TrimEnd('/') + "/" + relative;

    private static string Join(string prefix, string path) => prefix.Length == 0 ? path : prefix + "/" + path;

    /// <summary>The local file for an artifact path, refused when it would land outside <paramref name="root"/>.</summary>
    private static string LocalPath(string root, string artifactPath)
    {
        var full = Path.GetFullPath(Path.Combine(root, artifactPath.Replace('/', Path.DirectorySeparatorChar)));
        var rootWithSlash = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSlash, StringComparison.Ordinal) || Path.IsPathRooted(artifactPath))
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"Artifact path '{artifactPath}' would be written outside '{root}'.");
        }

        return full;
    }
}
