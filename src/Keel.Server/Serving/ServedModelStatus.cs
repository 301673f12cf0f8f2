using Keel.Core.Registry;

namespace Keel.Server.Serving;

/// <summary>A load that failed: why, and when.</summary>
/// <param name="Message">The error message.</param>
/// <param name="At">When it failed.</param>
public sealed record ServingLoadError(string Message, DateTimeOffset At);

/// <summary>
/// What the registry knows about one served name across generations: where its model comes from,
/// whether it follows a moving <c>models:/</c> URI (alias, stage or latest), how many loads
/// succeeded and failed, and the last failure. Counters are safe to read from any thread.
/// </summary>
public sealed class ServedModelStatus
{
    private long _generations;
    private long _loads;
    private long _failures;
    private volatile ServingLoadError? _lastError;
    private volatile string _source = string.Empty;
    private volatile bool _follows;

    internal ServedModelStatus(string name, string source)
    {
        Name = name;
        SetSource(source);
    }

    /// <summary>The served name.</summary>
    public string Name { get; }

    /// <summary>Where the model is loaded from: a <c>models:/</c> URI or a local package directory.</summary>
    public string Source => _source;

    /// <summary>
    /// Whether the model follows its source: a <c>models:/</c> URI naming an alias, a stage or
    /// <c>latest</c> is re-resolved in the background and a new version swapped in. Pinned
    /// versions (<c>models:/name/3</c>) and directories do not follow.
    /// </summary>
    public bool Follows => _follows;

    /// <summary>Successful loads (each published a generation).</summary>
    public long LoadCount => Interlocked.Read(ref _loads);

    /// <summary>Failed loads (resolution, download, package or warm-up errors); the previous generation kept serving.</summary>
    public long LoadFailureCount => Interlocked.Read(ref _failures);

    /// <summary>The most recent failed load, or null when none failed since the last successful one.</summary>
    public ServingLoadError? LastError => _lastError;

    /// <summary>Serialises loads of this name (explicit loads, reloads and the follower).</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal long NextGeneration() => Interlocked.Increment(ref _generations);

    internal void SetSource(string source)
    {
        _follows = ModelUri.TryParse(source, out var uri) && uri.Kind != ModelUriKind.Version;
        _source = source;
    }

    internal void Loaded()
    {
        Interlocked.Increment(ref _loads);
        _lastError = null;
    }

    internal void Failed(string message, DateTimeOffset at)
    {
        Interlocked.Increment(ref _failures);
        _lastError = new ServingLoadError(message, at);
    }
}
