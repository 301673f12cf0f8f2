using Keel.Client;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Rules;

/// <summary>The rules through the HTTP API of an in-process server, called with <see cref="KeelClient"/> (which checks nothing itself).</summary>
public sealed class HttpInputRulesTests : InputRulesSuite
{
    private readonly KeelApiFactory _server = new();
    private KeelClient? _client;

    protected override ITrackingStore Tracking => _client!;

    protected override IRegistryStore Registry => _client!;

    public override ValueTask InitializeAsync()
    {
        _client = new KeelClient(_server.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 });
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }
}
