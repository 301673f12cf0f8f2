using Keel.Client;
using Keel.Core.Tracking;
using Keel.Storage.Tests.Tracking;

namespace Keel.Server.Tests.Client;

/// <summary>
/// <see cref="KeelClient"/> is an <see cref="ITrackingStore"/> too: the tracking store compliance
/// suite runs through it against an in-process server, so the REST client and the stores keep one contract.
/// </summary>
public sealed class KeelClientTrackingComplianceTests : TrackingStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-client-tracking-").FullName;
    private ClientStoreServer? _server;

    protected override Task<ITrackingStore> CreateStoreAsync()
    {
        _server = new ClientStoreServer(_folder, TimeProvider.System);
        return Task.FromResult<ITrackingStore>(new KeelClient(_server.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 }));
    }

    protected override async Task<ITrackingStore> ReopenStoreAsync(ITrackingStore store)
    {
        ((KeelClient)store).Dispose();
        await _server!.DisposeAsync();
        return await CreateStoreAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
