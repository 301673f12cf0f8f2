using Keel.Server.Auth;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Auth;

/// <summary>Every endpoint the app maps has a permission rule: a new endpoint without one fails here.</summary>
public sealed class AuthRulesCoverEveryEndpointTests : IAsyncDisposable
{
    private readonly KeelApiFactory _factory = new();

    [Fact]
    public void EveryEndpoint_HasAPermissionRule()
    {
        _ = _factory.Server;
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 100, $"Only {endpoints.Count} endpoints found.");
        var missing = endpoints
            .Where(e => AuthRules.For(e) is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => AuthRules.Key(m, e.RoutePattern)))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(missing.Count == 0, "Endpoints without a permission rule (add them to AuthRules.Table.cs and docs/auth.md):\n" + string.Join('\n', missing));
    }

    [Fact]
    public void EveryRule_BelongsToAnEndpoint()
    {
        _ = _factory.Server;
        var keys = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => AuthRules.Key(m, e.RoutePattern)))
            .ToHashSet(StringComparer.Ordinal);
        var stale = AuthRules.Table.Keys.Where(k => !keys.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Rules for endpoints that do not exist:\n" + string.Join('\n', stale));
    }

    [Fact]
    public void TheDocs_HoldTheTableOfRules_AsTheCodeHasIt()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "auth.md"));
        var missing = AuthRules.Table
            .Where(r => !r.Key.StartsWith("GET /ui/", StringComparison.Ordinal))
            .Select(r => AuthRules.DocRow(r.Key, r.Value))
            .Where(row => !docs.Contains(row, StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "docs/auth.md lacks (or differs on) these rows:\n" + string.Join('\n', missing));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}
