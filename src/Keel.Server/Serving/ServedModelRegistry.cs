using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Server.Registry;

namespace Keel.Server.Serving;

/// <summary>
/// The models this server serves: a thread-safe map from name to the current
/// <see cref="ServedModel"/> generation, plus a <see cref="ServedModelStatus"/> per name. Loads
/// from a package directory, or from the registry (a <c>models:/</c> URI resolved to a version
/// whose package is copied from the artifact store into a local cache). <see cref="Publish"/> is
/// the one place a name's generation is replaced: atomically, with the old generation retired and
/// disposed when its last <see cref="ModelLease"/> ends. Loads of one name are serialised; a load
/// that fails leaves the current generation serving and is counted and recorded in the status.
/// </summary>
public sealed class ServedModelRegistry
{
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServedModelStatus> _statuses = new(StringComparer.Ordinal);
    private readonly string _cacheRoot;
    private readonly TimeProvider _time;

    /// <summary>Creates an empty registry that caches downloaded packages under <paramref name="cacheRoot"/>.</summary>
    /// <param name="cacheRoot">Where downloaded packages go (one folder per generation, deleted with it).</param>
    /// <param name="time">The clock for load-failure times; <see cref="TimeProvider.System"/> when null.</param>
    public ServedModelRegistry(string cacheRoot, TimeProvider? time = null)
    {
        _cacheRoot = cacheRoot;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The served models' current generations, by name.</summary>
    public IReadOnlyList<ServedModel> All => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The status of every name a load was tried for (served or not), by name.</summary>
    public IReadOnlyList<ServedModelStatus> Statuses => _statuses.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The current generation served under <paramref name="name"/>, if any (without a lease: for metadata, not scoring).</summary>
    public bool TryGet(string name, out ServedModel model) => _models.TryGetValue(name, out model!);

    /// <summary>The status of <paramref name="name"/>, if a load was ever tried for it.</summary>
    public bool TryGetStatus(string name, [NotNullWhen(true)] out ServedModelStatus? status) => _statuses.TryGetValue(name, out status);

    /// <summary>
    /// Leases the current generation of <paramref name="name"/> for one request; dispose the lease
    /// when done. A generation replaced meanwhile stays usable until its last lease ends.
    /// </summary>
    /// <returns>False when nothing is served under the name.</returns>
    public bool TryAcquire(string name, [NotNullWhen(true)] out ModelLease? lease)
    {
        while (_models.TryGetValue(name, out var model))
        {
            if (model.TryRetain())
            {
                lease = new ModelLease(model);
                return true;
            }

            // That generation was replaced and its last lease ended between the lookup and the
            // retain: the map already holds its successor (or nothing), so look again.
        }

        lease = null;
        return false;
    }

    /// <summary>
    /// Makes <paramref name="model"/> the generation served under its name (replacing and retiring
    /// any other). The model gets the next generation number of the name.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was already published.</exception>
    public void Publish(ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var source = model.ModelUri ?? model.PackageDirectory;
        var status = _statuses.GetOrAdd(model.Name, name => new ServedModelStatus(name, source));
        status.SetSource(source);
        Swap(model, status, expected: null);
    }

    /// <summary>Stops serving <paramref name="name"/> (the generation is disposed when its last lease ends); false when it was not served.</summary>
    public bool Remove(string name)
    {
        if (!_models.TryRemove(name, out var model))
        {
            return false;
        }

        _statuses.TryRemove(name, out _);
        model.Retire();
        return true;
    }

    /// <summary>Loads and warms the package in <paramref name="directory"/> and serves it as <paramref name="name"/>.</summary>
    public async Task<ServedModel> LoadDirectoryAsync(string name, string directory, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var status = StatusFor(name, directory);
        await status.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var model = await TrackAsync(status, directory, () => ServedModel.LoadAsync(name, directory, cancellationToken: cancellationToken)).ConfigureAwait(false);
            status.SetSource(directory);
            Swap(model, status, expected: null);
            return model;
        }
        finally
        {
            status.Gate.Release();
        }
    }

    /// <summary>
    /// Resolves <paramref name="modelUri"/> (<c>models:/name/3</c>, <c>@alias</c>, stage, latest),
    /// copies the version's package from the artifact store to the cache, loads and warms it and
    /// serves it as <paramref name="name"/>. An alias, stage or <c>latest</c> is then followed
    /// (see <see cref="RefreshAsync"/>).
    /// </summary>
    public async Task<ServedModel> LoadFromRegistryAsync(
        string name, string modelUri, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var status = StatusFor(name, modelUri);
        await status.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var model = await TrackAsync(status, modelUri, async () =>
            {
                var version = await registry.ResolveAsync(modelUri, cancellationToken).ConfigureAwait(false);
                return await DownloadAndLoadAsync(name, modelUri, version, tracking, artifacts, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            status.SetSource(modelUri);
            Swap(model, status, expected: null);
            return model;
        }
        finally
        {
            status.Gate.Release();
        }
    }

    /// <summary>
    /// Loads version <paramref name="version"/> of registered model <paramref name="model"/> (its
    /// package copied from the artifact store into this registry's cache, loaded and warmed)
    /// without serving it under any name: a deployment's arm. The caller owns the generation:
    /// lease it with <see cref="ServedModel.TryRetain"/> and release it with <see cref="ServedModel.Retire"/>
    /// (its cache folder is deleted when its last lease ends).
    /// </summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST for an unknown version; INVALID_PARAMETER_VALUE for a source outside the store or a package with no files.</exception>
    internal async Task<ServedModel> LoadVersionAsync(
        string model, string version, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken = default)
    {
        var resolved = await registry.GetModelVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        return await DownloadAndLoadAsync(model, $"models:/{model}/{version}", resolved, tracking, artifacts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reloads <paramref name="name"/> from its source now: a <c>models:/</c> URI is resolved again
    /// and the version it names (the same or another) loaded, a directory is read again. The new
    /// generation replaces the current one once warm; on failure the current one keeps serving.
    /// </summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the name is not served; the load's error when it fails.</exception>
    public async Task<ServedModel> ReloadAsync(string name, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken = default) =>
        await ReplaceAsync(name, registry, tracking, artifacts, onlyWhenMoved: false, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Reloading '{name}' published no generation.");

    /// <summary>
    /// For a model that follows an alias, stage or <c>latest</c>: resolves the URI again and, when it
    /// names another version than the one served, loads, warms and publishes that version.
    /// </summary>
    /// <returns>The new generation, or null when nothing changed (not served, not following, or the same version).</returns>
    /// <exception cref="Exception">The load's error when it fails (also counted and recorded in the status).</exception>
    public Task<ServedModel?> RefreshAsync(string name, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken = default) =>
        ReplaceAsync(name, registry, tracking, artifacts, onlyWhenMoved: true, cancellationToken);

    private async Task<ServedModel?> ReplaceAsync(
        string name, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, bool onlyWhenMoved, CancellationToken cancellationToken)
    {
        if (!_models.TryGetValue(name, out var current) || current.Status is not { } status)
        {
            return onlyWhenMoved ? null : throw KeelException.NotFound($"No model named '{name}' is being served.");
        }

        if (onlyWhenMoved && !status.Follows)
        {
            return null;
        }

        await status.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another load may have finished while this one waited.
            if (!_models.TryGetValue(name, out current) || !ReferenceEquals(current.Status, status))
            {
                return onlyWhenMoved ? null : throw KeelException.NotFound($"No model named '{name}' is being served.");
            }

            var source = status.Source;
            var model = await TrackAsync<ServedModel?>(status, source, async () =>
            {
                if (!ModelUri.IsModelUri(source))
                {
                    return await ServedModel.LoadAsync(name, source, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                var version = await registry.ResolveAsync(source, cancellationToken).ConfigureAwait(false);
                return onlyWhenMoved && version.Version == current.Version
                    ? null
                    : await DownloadAndLoadAsync(name, source, version, tracking, artifacts, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (model is not null)
            {
                Swap(model, status, expected: current);
            }

            return model;
        }
        finally
        {
            status.Gate.Release();
        }
    }

    /// <summary>
    /// Publishes <paramref name="model"/> under its name; with <paramref name="expected"/>, only if
    /// that generation is still the one served (a model removed meanwhile is not brought back).
    /// </summary>
    private void Swap(ServedModel model, ServedModelStatus status, ServedModel? expected)
    {
        if (model.Status is not null)
        {
            if (_models.TryGetValue(model.Name, out var served) && ReferenceEquals(served, model))
            {
                return;
            }

            throw new InvalidOperationException($"Model '{model.Name}' generation {model.Generation} was already published.");
        }

        model.Status = status;
        model.Generation = status.NextGeneration();
        while (true)
        {
            if (_models.TryGetValue(model.Name, out var previous))
            {
                if (expected is not null && !ReferenceEquals(previous, expected))
                {
                    model.Retire();
                    return;
                }

                if (_models.TryUpdate(model.Name, model, previous))
                {
                    previous.Retire();
                    return;
                }
            }
            else if (expected is not null)
            {
                model.Retire();
                return;
            }
            else if (_models.TryAdd(model.Name, model))
            {
                _statuses.TryAdd(model.Name, status);
                return;
            }
        }
    }

    /// <summary>
    /// Called after every load this registry runs (admin API, reload, follower): the served name,
    /// whether it succeeded, and how long it took. <see cref="ServingMetrics"/> counts them.
    /// </summary>
    public Action<string, bool, TimeSpan>? LoadObserved { get; set; }

    private ServedModelStatus StatusFor(string name, string source) => _statuses.GetOrAdd(name, n => new ServedModelStatus(n, source));

    /// <summary>Runs a load, counting it in <paramref name="status"/>: a success, or a failure with its message and time (then rethrown).</summary>
    private async Task<T> TrackAsync<T>(ServedModelStatus status, string source, Func<Task<T>> load)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            var model = await load().ConfigureAwait(false);
            if (model is not null)
            {
                status.Loaded();
                succeeded = true;
                LoadObserved?.Invoke(status.Name, true, System.Diagnostics.Stopwatch.GetElapsedTime(start));
            }

            return model;
        }
        catch when (!succeeded && Observe(status.Name, start))
        {
            throw; // Not reached: Observe records the failure and returns false.
        }
        catch (KeelException e)
        {
            status.Failed(e.Message, _time.GetUtcNow());
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            // A package ML.NET cannot read (a corrupt model.zip, a schema it does not know): the
            // caller named a model that cannot be served, so say why instead of a bare 500.
            var error = KeelException.InvalidParameter($"Cannot load model '{status.Name}' from {source}: {e.Message}");
            status.Failed(error.Message, _time.GetUtcNow());
            throw error;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status.Failed(e.Message, _time.GetUtcNow());
            throw;
        }
    }

    private bool Observe(string name, long start)
    {
        LoadObserved?.Invoke(name, false, System.Diagnostics.Stopwatch.GetElapsedTime(start));
        return false;
    }

    /// <summary>Copies the version's package into a fresh cache folder and loads it; the folder is deleted with the generation (or at once when the load fails).</summary>
    private async Task<ServedModel> DownloadAndLoadAsync(
        string name, string modelUri, ModelVersion version, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var source = await ArtifactPathOfAsync(version, tracking, artifacts.RootUri, cancellationToken).ConfigureAwait(false);
        var target = Path.Combine(_cacheRoot, Guid.NewGuid().ToString("N"));
        try
        {
            var copied = await artifacts.CopyToDirectoryAsync(source, target, cancellationToken).ConfigureAwait(false);
            if (copied == 0)
            {
                throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version} has no files at its source '{version.Source}'.");
            }

            var model = await ServedModel.LoadAsync(name, target, version.Version, modelUri, cancellationToken).ConfigureAwait(false);
            model.OwnDirectory(target);
            return model;
        }
        catch
        {
            DeleteQuietly(target);
            throw;
        }
    }

    /// <summary>
    /// The version's package as a path in the artifact store (runs:/ sources through the run's artifact URI).
    /// A source outside the store (kept as metadata) is refused: the server never reads it.
    /// </summary>
    private static async Task<string> ArtifactPathOfAsync(ModelVersion version, ITrackingStore tracking, string artifactRootUri, CancellationToken cancellationToken)
    {
        var uri = await RegistryApi.DownloadUriAsync(version, tracking, cancellationToken).ConfigureAwait(false);
        return StoreLocation.ToStorePath(uri, artifactRootUri, $"Cannot serve model version {version.Name}/{version.Version}: its source");
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the cache folder is under the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }

    private static void CheckName(string name)
    {
        RegistryValidator.ServingName(name);
    }
}
