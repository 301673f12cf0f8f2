using System.Net;
using System.Text;
using Keel.Server.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Reliability;

/// <summary>Issue 10, item 3: large bodies are bounded in total and their memory is given back after a burst.</summary>
public sealed class BodyMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BurstOfLargeBodies_HoldsTheBudget_ThenGivesMemoryBackOnceIdle()
    {
        await using var host = await KestrelHost.StartAsync("127.0.0.1", "--Keel:Hosting:MemoryTrimDelay=00:00:00.200");
        var budget = host.App.Services.GetRequiredService<RequestBodyBudget>();
        var trimmer = host.App.Services.GetRequiredService<MemoryTrimmer>();
        using var client = new HttpClient { BaseAddress = host.Address };
        var body = Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 20_000_000) + "\"}");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync("api/2.0/mlflow/experiments/create", content, Ct);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.BadRequest, status)); // the name is over MLflow's 500 characters
        Assert.Equal(0, budget.InUse);
        Assert.True(await IdleFlood.WaitUntilAsync(() => trimmer.Trims > 0, TimeSpan.FromSeconds(20)), "No trim after 80 MB of bodies.");
    }
}
