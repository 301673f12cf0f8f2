using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Client;

public sealed partial class KeelClient
{
    private const string ProxyScheme = "mlflow-artifacts:";

    /// <summary>
    /// Where a run's artifacts live under the artifact proxy: the path part of its
    /// <c>mlflow-artifacts:/&lt;experiment_id&gt;/&lt;run_id&gt;/artifacts</c> URI, or that layout when
    /// the run's artifact URI is not a proxy URI.
    /// </summary>
    public static string RunArtifactsProxyPath(RunInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var uri = info.ArtifactUri;
        if (uri is not null && uri.StartsWith(ProxyScheme, StringComparison.OrdinalIgnoreCase))
        {
            var rest = uri[ProxyScheme.Length..];
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                // mlflow-artifacts://host:port/path: skip the authority.
                var slash = rest.IndexOf('/', 2);
                rest = slash < 0 ? string.Empty : rest[slash..];
            }

            var path = rest.Trim('/');
            if (path.Length > 0)
            {
                return path;
            }
        }

        return $"{info.ExperimentId}/{info.RunId}/artifacts";
    }

    /// <summary>
    /// Downloads a run's artifact file, or a directory recursively, into <paramref name="localDirectory"/>,
    /// keeping paths relative to the run's artifact root (as MLflow's <c>download_artifacts</c>).
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="artifactPath">A file or directory; null or empty for everything.</param>
    /// <param name="localDirectory">Created when missing.</param>
    /// <param name="cancellationToken">Cancels the downloads.</param>
    /// <returns>The local files written.</returns>
    public async Task<IReadOnlyList<string>> DownloadRunArtifactsAsync(string runId, string? artifactPath, string localDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localDirectory);
        var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var proxyRoot = RunArtifactsProxyPath(run.Info);
        var root = Path.GetFullPath(localDirectory);
        var written = new List<string>();
        var start = (artifactPath ?? string.Empty).Trim('/');

        var children = await ListArtifactsAsync(runId, start, cancellationToken).ConfigureAwait(false);
        if (children.Count == 0 && start.Length > 0)
        {
            // MLflow lists a file as an empty directory: fetch it as a file.
            await DownloadOneAsync(proxyRoot, start, root, written, cancellationToken).ConfigureAwait(false);
            return written;
        }

        Directory.CreateDirectory(root);
        var pending = new Stack<IReadOnlyList<Core.Protocol.FileInfo>>();
        pending.Push(children);
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop())
            {
                if (entry.IsDir)
                {
                    Directory.CreateDirectory(LocalPath(root, entry.Path));
                    pending.Push(await ListArtifactsAsync(runId, entry.Path, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    await DownloadOneAsync(proxyRoot, entry.Path, root, written, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return written;
    }

    /// <summary>
    /// Uploads a local file, or a directory recursively, to a run's artifacts (as MLflow's
    /// <c>log_artifact</c> / <c>log_artifacts</c>): a file lands at <c>artifactPath/&lt;file name&gt;</c>,
    /// a directory's contents under <c>artifactPath/</c>.
    /// </summary>
    /// <returns>The artifact paths written, relative to the run's artifact root.</returns>
    public async Task<IReadOnlyList<string>> UploadRunArtifactsAsync(string runId, string localPath, string? artifactPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var proxyRoot = RunArtifactsProxyPath(run.Info);
        var prefix = (artifactPath ?? string.Empty).Trim('/');
        var uploaded = new List<string>();
        foreach (var (file, target) in LocalUploadPlan.Of(localPath, prefix))
        {
            await UploadFileAsync(proxyRoot, target, file, cancellationToken).ConfigureAwait(false);
            uploaded.Add(target);
        }

        return uploaded;
    }

    private async Task UploadFileAsync(string proxyRoot, string target, string file, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            await UploadArtifactAsync(proxyRoot + "/" + target, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DownloadOneAsync(string proxyRoot, string artifactPath, string root, List<string> written, CancellationToken cancellationToken)
    {
        var local = LocalPath(root, artifactPath);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var partial = local + ".partial";
        var stream = File.Create(partial);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                await DownloadArtifactAsync(proxyRoot + "/" + artifactPath, stream, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Maps an artifact path under <paramref name="root"/>; refuses one that would escape it.</summary>
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
