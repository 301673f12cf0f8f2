using System.Collections.Concurrent;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Server.Registry;

namespace Keel.Server.Serving;

/// <summary>
/// The models this server serves: a thread-safe map from name to the current
/// <see cref="ServedModel"/>. Loads from a package directory, or from the registry (a
/// <c>models:/</c> URI resolved to a version whose package is copied from the artifact store into a
/// local cache). <see cref="Publish"/> is the one place a name's model is replaced.
/// </summary>
public sealed class ServedModelRegistry
{
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly string _cacheRoot;

    /// <summary>Creates an empty registry that caches downloaded packages under <paramref name="cacheRoot"/>.</summary>
    public ServedModelRegistry(string cacheRoot) => _cacheRoot = cacheRoot;

    /// <summary>The served models, by name.</summary>
    public IReadOnlyList<ServedModel> All => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The model served under <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out ServedModel model) => _models.TryGetValue(name, out model!);

    /// <summary>Makes <paramref name="model"/> the one served under its name (replacing any other).</summary>
    public void Publish(ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ServedModel? previous = null;
        _models.AddOrUpdate(model.Name, model, (_, old) =>
        {
            previous = old;
            return model;
        });
        if (previous is not null && !ReferenceEquals(previous, model))
        {
            DeleteCachedPackage(previous);
        }
    }

    /// <summary>Stops serving <paramref name="name"/>; false when it was not served.</summary>
    public bool Remove(string name)
    {
        if (!_models.TryRemove(name, out var model))
        {
            return false;
        }

        DeleteCachedPackage(model);
        return true;
    }

    /// <summary>A package this registry downloaded is deleted once its model is no longer served (the model itself is in memory).</summary>
    private void DeleteCachedPackage(ServedModel model)
    {
        var cache = Path.GetFullPath(_cacheRoot) + Path.DirectorySeparatorChar;
        if (!Path.GetFullPath(model.PackageDirectory).StartsWith(cache, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            Directory.Delete(model.PackageDirectory, recursive: true);
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

    /// <summary>Loads and warms the package in <paramref name="directory"/> and serves it as <paramref name="name"/>.</summary>
    public async Task<ServedModel> LoadDirectoryAsync(string name, string directory, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var model = await ServedModel.LoadAsync(name, directory, cancellationToken: cancellationToken).ConfigureAwait(false);
        Publish(model);
        return model;
    }

    /// <summary>
    /// Resolves <paramref name="modelUri"/> (<c>models:/name/3</c>, <c>@alias</c>, stage, latest),
    /// copies the version's package from the artifact store to the cache, loads and warms it and
    /// serves it as <paramref name="name"/>.
    /// </summary>
    public async Task<ServedModel> LoadFromRegistryAsync(
        string name, string modelUri, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var version = await registry.ResolveAsync(modelUri, cancellationToken).ConfigureAwait(false);
        var source = await ArtifactPathOfAsync(version, tracking, cancellationToken).ConfigureAwait(false);
        var target = Path.Combine(_cacheRoot, Guid.NewGuid().ToString("N"));
        var copied = await CopyAsync(artifacts, source, target, cancellationToken).ConfigureAwait(false);
        if (copied == 0)
        {
            throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version} has no files at its source '{version.Source}'.");
        }

        var model = await ServedModel.LoadAsync(name, target, version.Version, modelUri, cancellationToken).ConfigureAwait(false);
        Publish(model);
        return model;
    }

    /// <summary>The version's package as a path in the artifact store (runs:/ sources through the run's artifact URI).</summary>
    private static async Task<string> ArtifactPathOfAsync(ModelVersion version, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        var uri = await RegistryApi.DownloadUriAsync(version, tracking, cancellationToken).ConfigureAwait(false);
        return ArtifactUris.IsProxied(uri)
            ? ArtifactUris.ToRelativePath(uri)
            : throw KeelException.InvalidParameter($"Cannot serve model version {version.Name}/{version.Version}: its files at '{uri}' are not under the artifact store's mlflow-artifacts:/ root.");
    }

    private static async Task<int> CopyAsync(IArtifactStore artifacts, string path, string target, CancellationToken cancellationToken)
    {
        var count = 0;
        Directory.CreateDirectory(target);
        foreach (var entry in await artifacts.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            var fileName = Path.GetFileName(entry.Path.TrimEnd('/'));
            if (entry.IsDir)
            {
                count += await CopyAsync(artifacts, entry.Path, Path.Combine(target, fileName), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var input = await artifacts.OpenReadAsync(entry.Path, cancellationToken).ConfigureAwait(false);
            await using (input.ConfigureAwait(false))
            {
                var output = File.Create(Path.Combine(target, fileName));
                await using (output.ConfigureAwait(false))
                {
                    await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
            }

            count++;
        }

        return count;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 256 || name.Any(c => char.IsControl(c) || c == '/'))
        {
            throw KeelException.InvalidParameter("name: must be 1 to 256 characters, without '/' or control characters.");
        }
    }
}
