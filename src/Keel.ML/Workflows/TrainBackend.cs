using Keel.Cli.Infrastructure;
using Keel.Client;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Storage.Artifacts;
using Keel.Storage.Sqlite;

namespace Keel.ML.Workflows;

/// <summary>
/// Where <c>keel train</c> logs and registers: a tracking server through <see cref="KeelClient"/>,
/// or the embedded SQLite store and artifact folder opened in-process. Both speak the same store
/// interfaces (the server's artifacts through <see cref="ClientArtifactStore"/>).
/// </summary>
public sealed class TrainBackend : IAsyncDisposable
{
    private readonly IArtifactStore _artifacts;
    private readonly Func<string, string, CancellationToken, Task> _logModel;
    private readonly IAsyncDisposable _owned;

    private TrainBackend(
        string description,
        ITrackingStore tracking,
        IRegistryStore registry,
        IArtifactStore artifacts,
        Func<string, string, CancellationToken, Task>? logModel,
        IAsyncDisposable owned)
    {
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

    public ITrackingStore Tracking { get; }

    public IRegistryStore Registry { get; }

    /// <summary>A backend over a tracking server.</summary>
    public static TrainBackend ForServer(KeelClient client) =>
        new(client.BaseAddress.AbsoluteUri, client, client, new ClientArtifactStore(client), client.LogModelAsync, new DisposableAdapter(client));

    /// <summary>A backend over a local SQLite database and artifact folder.</summary>
    public static TrainBackend ForLocal(string databasePath, string artifactRoot)
    {
        var tracking = new SqliteTrackingStore(databasePath, artifactRoot, TimeProvider.System);
        var artifacts = new LocalArtifactStore(artifactRoot);
        return new TrainBackend("sqlite:///" + tracking.DatabasePath, tracking, new SqliteRegistryStore(tracking), artifacts, null, tracking);
    }

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
        else if (ArtifactUris.IsProxied(version.Source))
        {
            root = ArtifactUris.ToRelativePath(version.Source);
        }
        else
        {
            throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version}: its source '{version.Source}' is not in Keel's artifact store.");
        }

        var count = await _artifacts.CopyToDirectoryAsync(root.TrimEnd('/'), directory, cancellationToken).ConfigureAwait(false);
        return count > 0 ? count : throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version} has no files at its source '{version.Source}'.");
    }

    private static string RunRoot(RunInfo run) =>
        ArtifactUris.IsProxied(run.ArtifactUri) ? ArtifactUris.ToRelativePath(run.ArtifactUri) : KeelClient.RunArtifactsProxyPath(run);

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

    public ValueTask DisposeAsync() => _owned.DisposeAsync();

    private sealed class DisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
