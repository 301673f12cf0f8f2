using Keel.Cli.Tests.Infrastructure;
using Keel.Client;
using Microsoft.AspNetCore.Http;

namespace Keel.Cli.Tests.Client;

public sealed class KeelClientConstructionTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public void HttpClientWithoutBaseAddress_IsRefused()
    {
        using var http = new HttpClient();

        Assert.Throws<ArgumentException>(() => new KeelClient(http));
    }

    [Theory]
    [InlineData("ftp://example.com/")]
    [InlineData("file:///tmp/keel")]
    public void NonHttpBaseAddress_IsRefused(string uri) =>
        Assert.Throws<ArgumentException>(() => new KeelClient(new Uri(uri)));

    [Fact]
    public void InvalidOptions_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeelClient(new Uri("http://127.0.0.1:1"), new KeelClientOptions { MaxRetryAttempts = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeelClient(new Uri("http://127.0.0.1:1"), new KeelClientOptions { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1) }));
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new KeelClientOptions();

        Assert.Equal(3, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MaxDelay);
        Assert.True(options.UseJitter);
        Assert.Equal(TimeSpan.FromSeconds(100), options.Timeout);
    }

    [Fact]
    public async Task CallerOwnedHttpClient_TalksToTheServer_AndIsNotDisposedWithTheClient()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using (var client = new KeelClient(http))
        {
            Assert.Equal("OK", await client.GetHealthAsync(_ct));
        }

        Assert.Equal("OK", (await http.GetStringAsync("health", _ct)).Trim());
    }

    [Fact]
    public async Task BaseAddressWithPathPrefix_KeepsThePrefix()
    {
        string? seen = null;
        await using var stub = await StubServer.StartAsync((ctx, _) =>
        {
            seen = ctx.Request.Path + ctx.Request.QueryString;
            return ctx.Response.WriteAsync("OK", _ct);
        });
        using var client = new KeelClient(new Uri(stub.BaseAddress.AbsoluteUri + "mlflow"), new KeelClientOptions { MaxRetryAttempts = 0 });

        await client.GetHealthAsync(_ct);

        Assert.Equal("/mlflow/health", seen);
    }

    [Fact]
    public async Task HealthAndVersion_AnswerFromTheRealServer()
    {
        using var client = server.CreateClient();

        Assert.Equal("OK", await client.GetHealthAsync(_ct));
        Assert.Matches(@"^\d+\.\d+\.\d+", await client.GetServerVersionAsync(_ct));
    }
}
