using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.ML.Workflows;

/// <summary>
/// The stores a workflow (<see cref="TrainSession"/>, <see cref="ValidateSession"/>) logs to and
/// registers in: a tracking store, a registry and the artifact store holding runs' artifacts
/// (<c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c> paths). The CLI builds one over a
/// tracking server's client or over the embedded SQLite store; the server over its own stores.
/// </summary>
/// <remarks>Rules (validation, audit, numbering) are the stores' own; the workflow adds none of its own.</remarks>
public sealed class TrainBackend : IAsyncDisposable
{
    private readonly IArtifactStore _artifacts;
    private readonly Func<string, string, CancellationToken, Task> _logModel;
    private readonly IAsyncDisposable? _owned;

    /// <summary>A backend over the given stores.</summary>
    /// <param name="description">Where the stores are, for people: the server URL or <c>sqlite:///path</c>.</param>
    /// <param name="tracking">Runs and experiments.</param>
    /// <param name="registry">Registered models and versions.</param>
    /// <param name="artifacts">The artifact store rooted where <c>mlflow-artifacts:/</c> paths point.</param>
    /// <param name="logModel">
    /// MLflow's <c>runs/log-model</c> (run id, MLmodel JSON); null writes the run's
    /// <see cref="LoggedModelsTag"/> directly, as that endpoint does for a new run.
    /// </param>
    /// <param name="owned">Disposed with this backend (the stores or client it was opened over); null for none.</param>
    public TrainBackend(
        string description,
        ITrackingStore tracking,
        IRegistryStore registry,
        IArtifactStore artifacts,
        Func<string, string, CancellationToken, Task>? logModel = null,
        IAsyncDisposable? owned = null)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(artifacts);
        _artifacts = artifacts;
        Description = description;
        Tracking = tracking;
        Registry = registry;
        _owned = owned;

        // Without a server, write what runs/log-model would: the run's model history tag (a new run has none yet).
        _logModel = logModel ?? ((runId, modelJson, ct) => tracking.SetTagAsync(runId, new RunTag(LoggedModelsTag, "[" + modelJson + "]"), ct));
    }

    /// <summary>MLflow's tag holding a run's logged models (what <c>runs/log-model</c> appends to).</summary>
    public const string LoggedModelsTag = MlflowTags.LoggedModels;

    /// <summary>The server URL or the SQLite file, for the summary.</summary>
    public string Description { get; }

    /// <summary>Runs and experiments.</summary>
    public ITrackingStore Tracking { get; }

    /// <summary>Registered models and versions.</summary>
    public IRegistryStore Registry { get; }

    /// <summary>The artifact store holding the runs' artifacts.</summary>
    public IArtifactStore Artifacts => _artifacts;

    /// <summary>
    /// Copies a model version's files (a <c>runs:/</c> or <c>mlflow-artifacts:/</c> source) into
    /// <paramref name="directory"/>; returns how many files were copied.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a source outside the artifact store, or one with no files.</exception>
    public async Task<int> DownloadModelAsync(ModelVersion version, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        string root;
        if (RunsUri.TryParse(version.Source) is { } runs)
        {
            var run = await Tracking.GetRunAsync(runs.RunId, cancellationToken).ConfigureAwait(false);
            root = RunRoot(run.Info) + (runs.Path.Length == 0 ? string.Empty : "/" + runs.Path.Trim('/'));
        }
        else
        {
            // The one gate for sources outside the store: recorded as metadata, never read.
            root = StoreLocation.ToStorePath(version.Source, _artifacts.RootUri, $"Model version '{version.Name}' {version.Version}");
        }

        var count = await _artifacts.CopyToDirectoryAsync(root.TrimEnd('/'), directory, cancellationToken).ConfigureAwait(false);
        return count > 0 ? count : throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version} has no files at its source '{version.Source}'.");
    }

    /// <summary>
    /// Where <paramref name="run"/>'s artifacts are in the artifact store: the path of its
    /// <c>mlflow-artifacts:/</c> URI, else the default layout <c>&lt;experiment&gt;/&lt;run&gt;/artifacts</c>.
    /// </summary>
    public static string RunRoot(RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ArtifactUris.IsProxied(run.ArtifactUri) && ArtifactUris.ToRelativePath(run.ArtifactUri) is { Length: > 0 } path
            ? path
            : $"{run.ExperimentId}/{run.RunId}/artifacts";
    }

    /// <summary>Writes one artifact of <paramref name="run"/> at <paramref name="artifactPath"/> (relative to the run's artifact root).</summary>
    public async Task UploadAsync(RunInfo run, string artifactPath, Stream content, CancellationToken cancellationToken)
    {
        var root = RunRoot(run);
        await _artifacts.WriteAsync(root.TrimEnd('/') + "/" + artifactPath, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a local file to <paramref name="artifactPath"/>.</summary>
    public async Task UploadFileAsync(RunInfo run, string artifactPath, string file, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            await UploadAsync(run, artifactPath, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Uploads every file under <paramref name="directory"/> below <paramref name="artifactPath"/>; returns the paths written.</summary>
    public async Task<IReadOnlyList<string>> UploadDirectoryAsync(RunInfo run, string artifactPath, string directory, CancellationToken cancellationToken)
    {
        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        var written = new List<string>(files.Length);
        foreach (var file in files)
        {
            var target = artifactPath + "/" + Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            await UploadFileAsync(run, target, file, cancellationToken).ConfigureAwait(false);
            written.Add(target);
        }

        return written;
    }

    /// <summary>Records a logged model (MLflow's <c>runs/log-model</c>) for <paramref name="runId"/>.</summary>
    public Task LogModelAsync(string runId, string modelJson, CancellationToken cancellationToken) => _logModel(runId, modelJson, cancellationToken);

    /// <summary>Disposes what the backend was opened over, if anything.</summary>
    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
