using System.Text;
using System.Text.Json;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>The <c>Keel:PredictionLog</c> settings as the server binds and checks them.</summary>
[Collection(ServingCollection.Name)]
public sealed class PredictionLogSettingsTests(ServingFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-predlog-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void InvalidSettings_StopTheServerAtStartup_NamingEveryProblem()
    {
        var e = Assert.Throws<InvalidOperationException>(() => KeelServerApp.Build(["--Keel:PredictionLog:SampleRate=1.5", "--Keel:PredictionLog:BatchSize=0"], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + Path.Combine(_folder, "keel.db");
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
        }));

        Assert.Contains("Keel:PredictionLog", e.Message, StringComparison.Ordinal);
        Assert.Contains("SampleRate", e.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SampleRateZero_ScoresAndEchoesIds_ButLogsNothing()
    {
        await using var factory = new KeelApiFactory();
        await using var quiet = factory.WithWebHostBuilder(b => b.UseSetting("Keel:PredictionLog:SampleRate", "0"));
        using var client = quiet.CreateClient();
        await quiet.Services.GetRequiredService<ServedModelRegistry>().LoadDirectoryAsync("quiet", fixture.PackageDirectory, TestContext.Current.CancellationToken);
        var logger = quiet.Services.GetRequiredService<PredictionLogger>();
        Assert.Equal(0, logger.Options.SampleRate);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/serving/quiet/invocations")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { instances = fixture.Rows }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(PredictionLogScope.RequestIdHeader, "not-sampled");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("not-sampled", response.Headers.GetValues(PredictionLogScope.RequestIdHeader).Single());

        var feedback = await client.ApiPostAsync("/api/2.0/keel/serving/feedback", new { request_id = "not-sampled", label = "1" });
        Assert.Equal(404, feedback.Status);
        Assert.Equal(0, logger.Written + logger.QueueLength);
        Assert.Equal(404, (await client.ApiGetAsync("/api/2.0/keel/serving/predictions?model=quiet")).Status);
    }
}
