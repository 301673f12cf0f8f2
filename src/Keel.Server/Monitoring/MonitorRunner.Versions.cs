using System.Collections.Concurrent;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Monitoring.Reference;

namespace Keel.Server.Monitoring;

// What monitoring needs of a version (signature, reference, profile) is read from the artifact
// store once and kept: versions are immutable, and a new baseline moves the version's tag, which
// is part of the key.
public sealed partial class MonitorRunner
{
    private const int MaxCachedVersions = 64;
    private readonly ConcurrentDictionary<(string Model, string Version, string? Baseline), MonitoredVersion> _versions = new();

    private Func<string, CancellationToken, Task<MonitoredVersion?>> VersionAsync(string model) => async (version, cancellationToken) =>
    {
        var registered = await RegisteredNameAsync(model, cancellationToken).ConfigureAwait(false);
        Core.Registry.ModelVersion entity;
        try
        {
            entity = await _registry.GetModelVersionAsync(registered, version, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return null;
        }

        var key = (registered, version, entity.Tags.FirstOrDefault(t => t.Key == ReferenceSampleFiles.BaselineTag)?.Value);
        if (_versions.TryGetValue(key, out var known))
        {
            return known;
        }

        var context = await _references.GetContextAsync(registered, version, cancellationToken).ConfigureAwait(false);
        if (_versions.Count >= MaxCachedVersions)
        {
            _versions.Clear();
        }

        _versions[key] = context;
        return context;
    };
}
