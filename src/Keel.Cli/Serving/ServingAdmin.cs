using Keel.Cli.Infrastructure;
using Keel.Client;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Serving;

namespace Keel.Cli.Serving;

/// <summary>
/// What <c>keel serving</c> changes: the models served by name. On a server, the running
/// server loads, warms and serves them at once; on a local store, the entries are stored and the
/// <c>keel server</c> started on that store serves them (it loads stored entries at start-up).
/// </summary>
internal interface IServingAdmin
{
    Task<ServedModelInfo> AddAsync(string name, string modelUri, CancellationToken cancellationToken);

    Task<IReadOnlyList<ServedModelInfo>> ListAsync(CancellationToken cancellationToken);

    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when nothing is served under <paramref name="name"/>.</exception>
    Task RemoveAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The serving admin API of a running server (<c>/api/2.0/keel/serving/models</c>).</summary>
internal sealed class ClientServingAdmin(KeelClient client) : IServingAdmin
{
    public Task<ServedModelInfo> AddAsync(string name, string modelUri, CancellationToken cancellationToken) => client.ServeModelAsync(name, modelUri, cancellationToken);

    public Task<IReadOnlyList<ServedModelInfo>> ListAsync(CancellationToken cancellationToken) => client.ListServedModelsAsync(cancellationToken);

    public Task RemoveAsync(string name, CancellationToken cancellationToken) => client.StopServingAsync(name, cancellationToken);
}

/// <summary>
/// The served-model entries of a local store, the ones <c>keel server</c> restores at start-up.
/// An entry is added only for a URI that resolves in the store's registry; its status is
/// <see cref="StoredStatus"/> (no server is loading it now).
/// </summary>
internal sealed class LocalServingAdmin(IServedModelStore store, IRegistryStore registry, StoreChoice location) : IServingAdmin
{
    /// <summary>The status of an entry stored for the next <c>keel server</c> start.</summary>
    public const string StoredStatus = "stored";

    public async Task<ServedModelInfo> AddAsync(string name, string modelUri, CancellationToken cancellationToken)
    {
        var version = await registry.ResolveAsync(modelUri, cancellationToken).ConfigureAwait(false);
        var entry = await store.UpsertAsync(new ServedModelEntry(name, modelUri), cancellationToken).ConfigureAwait(false);
        return Info(entry, version.Version);
    }

    public async Task<IReadOnlyList<ServedModelInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ServedModelInfo>(entries.Count);
        foreach (var entry in entries)
        {
            string version;
            try
            {
                version = (await registry.ResolveAsync(entry.ModelUri, cancellationToken).ConfigureAwait(false)).Version;
            }
            catch (KeelException e) when (e.Code is ErrorCode.ResourceDoesNotExist or ErrorCode.InvalidParameterValue)
            {
                version = "-";
            }

            list.Add(Info(entry, version));
        }

        return list;
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.RemoveAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new KeelException(ErrorCode.ResourceDoesNotExist, $"No model is served as '{name}' in {location.Uri}.");
        }
    }

    private static ServedModelInfo Info(ServedModelEntry entry, string version) =>
        new(entry.Name, version, entry.ModelUri, Ready: false, Algorithm: null, Task: null, Inputs: null, Outputs: null, Status: StoredStatus);
}
