namespace Keel.Core.Serving;

/// <summary>
/// What the server serves, kept so a restart serves it again: one <see cref="ServedModelEntry"/>
/// per served name. The server writes it when a model is added or removed through the serving
/// admin API (<c>keel serving add|remove</c>) and reads it at start-up.
/// </summary>
public interface IServedModelStore
{
    /// <summary>Adds <paramref name="entry"/>, or replaces the URI of the entry with its name (keeping its creation time).</summary>
    /// <returns>The stored entry, with its times.</returns>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE for a bad name or URI.</exception>
    Task<ServedModelEntry> UpsertAsync(ServedModelEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry named <paramref name="name"/>; false when there was none.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every entry, by name (ordinal).</summary>
    Task<IReadOnlyList<ServedModelEntry>> ListAsync(CancellationToken cancellationToken = default);
}
