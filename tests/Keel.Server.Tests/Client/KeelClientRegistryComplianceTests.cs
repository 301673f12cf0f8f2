using Keel.Client;
using Keel.Core.Registry;
using Keel.Storage.Tests.Registry;

namespace Keel.Server.Tests.Client;

/// <summary>
/// <see cref="KeelClient"/> is an <see cref="IRegistryStore"/> too: the registry store compliance
/// suite runs through it against an in-process server that uses the suite's clock.
/// </summary>
public sealed class KeelClientRegistryComplianceTests : RegistryStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-client-registry-").FullName;
    private ClientStoreServer? _server;
    private KeelClient? _client;

    protected override string? CallerLineageSkipReason =>
        "Over HTTP the server derives lineage from the version's run and package (RegistryApi, LineageCollector) and ignores a lineage sent by the caller, so that no client can forge provenance; the suite's lineage names a run that does not exist.";

    protected override Task<IRegistryStore> CreateStoreAsync()
    {
        _server = new ClientStoreServer(_folder, Clock);
        _client = new KeelClient(_server.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 });
        return Task.FromResult<IRegistryStore>(_client);
    }

    public override async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
