using System.Collections.Concurrent;
using Keel.Core.Deployments;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Deployments;

public sealed class DeploymentChangeFeedTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    [Fact]
    public async Task EveryStoredChange_IsPublished_WithTheRevisionThatWasWritten()
    {
        var client = factory.CreateClient();
        var feed = factory.Services.GetRequiredService<DeploymentChangeFeed>();
        var seen = new ConcurrentQueue<Deployment>();
        void Handler(Deployment d) => seen.Enqueue(d);
        feed.Changed += Handler;
        try
        {
            var model = "feed-" + Guid.NewGuid().ToString("N")[..8];
            Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = model })).Status);
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(200, (await client.ApiPostAsync("model-versions/create", new { name = model, source = $"mlflow-artifacts:/models/{model}/{i}" })).Status);
            }

            var spec = new { name = model, model, version = "1", strategy = "canary", steps = new object[] { new { set_weight = 10 } } };
            var created = await client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec });
            Assert.True(created.Status == 200, created.Body);
            Assert.Equal(200, (await client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = spec with { version = "2" } })).Status);
            Assert.Equal(200, (await client.ApiPostAsync("/api/2.0/keel/deployments/rollback", new { name = model })).Status);
            Assert.NotEqual(200, (await client.ApiPostAsync("/api/2.0/keel/deployments/resume", new { name = model })).Status);

            var mine = seen.Where(d => d.Name == model).ToList();
            Assert.Equal([1L, 2L, 3L], mine.Select(d => d.Revision));
            Assert.Equal([DeploymentState.Idle, DeploymentState.Progressing, DeploymentState.RolledBack], mine.Select(d => d.State));
        }
        finally
        {
            feed.Changed -= Handler;
        }
    }
}
