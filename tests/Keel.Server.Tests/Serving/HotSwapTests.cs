using System.Collections.Concurrent;
using System.Diagnostics;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Serving;

/// <summary>
/// Hot swap through the real server: a model served from an alias follows it, an explicit reload
/// re-resolves now, a failed load keeps the old version serving and is reported, and swaps under
/// continuous load lose no request.
/// </summary>
[Collection(HotSwapCollection.Name)]
public sealed class HotSwapTests(HotSwapFixture fixture)
{
    [Fact]
    public async Task FollowAlias_WhenTheAliasMoves_TheServerServesTheNewVersionWithinSeconds()
    {
        await fixture.SetAliasAsync("champion", 1);
        var loaded = await fixture.LoadAsync("follow", $"models:/{HotSwapFixture.Model}@champion");
        Assert.True(loaded.Status == 200, loaded.Body);
        Assert.Equal("1", loaded["model"].GetProperty("version").GetString());
        Assert.True(loaded["model"].GetProperty("follows").GetBoolean());
        Assert.Equal(fixture.V1Probability, (await fixture.ScoreAsync(fixture.Client, "follow")).Probability);

        await fixture.SetAliasAsync("champion", 2);
        await HotSwapFixture.WaitForAsync(
            async () => (await fixture.DescribeAsync("follow")).GetProperty("version").GetString() == "2",
            "the follower to load version 2");

        Assert.Equal(fixture.V2Probability, (await fixture.ScoreAsync(fixture.Client, "follow")).Probability);
        var described = await fixture.DescribeAsync("follow");
        Assert.Equal(2, described.GetProperty("generation").GetInt64());
        Assert.Equal(2, described.GetProperty("load_count").GetInt64());
        Assert.Equal(0, described.GetProperty("load_failures").GetInt64());
        Assert.True(described.GetProperty("engine_pool_size").GetInt32() >= 1);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, described.GetProperty("last_error").ValueKind);
        Assert.Equal(200, (await fixture.Client.ApiSendAsync(HttpMethod.Delete, "/api/2.0/keel/serving/models/follow")).Status);
    }

    [Fact]
    public async Task PinnedVersion_DoesNotFollow_AndReloadMakesANewGeneration()
    {
        var loaded = await fixture.LoadAsync("pinned", $"models:/{HotSwapFixture.Model}/1");
        Assert.True(loaded.Status == 200, loaded.Body);
        Assert.False(loaded["model"].GetProperty("follows").GetBoolean());
        Assert.True(fixture.Served.TryGet("pinned", out var first));

        var reloaded = await fixture.Client.ApiPostAsync("/api/2.0/keel/serving/models/pinned/reload", "{}");
        Assert.True(reloaded.Status == 200, reloaded.Body);
        Assert.Equal("1", reloaded["model"].GetProperty("version").GetString());
        Assert.Equal(2, reloaded["model"].GetProperty("generation").GetInt64());
        Assert.True(first.IsDisposed);
        Assert.False(Directory.Exists(first.PackageDirectory));
        Assert.Equal(fixture.V1Probability, (await fixture.ScoreAsync(fixture.Client, "pinned")).Probability);

        var unknown = await fixture.Client.ApiPostAsync("/api/2.0/keel/serving/models/nope/reload", "{}");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", unknown.ErrorCode);
        Assert.Equal(200, (await fixture.Client.ApiSendAsync(HttpMethod.Delete, "/api/2.0/keel/serving/models/pinned")).Status);
    }

    [Fact]
    public async Task FailedLoad_KeepsTheOldVersionServing_AndIsReported()
    {
        await fixture.SetAliasAsync("canary", 1);
        Assert.Equal(200, (await fixture.LoadAsync("fragile", $"models:/{HotSwapFixture.Model}@canary")).Status);

        // Version 3's model.zip is corrupt: the explicit reload fails and says why ...
        await fixture.SetAliasAsync("canary", 3);
        var reload = await fixture.Client.ApiPostAsync("/api/2.0/keel/serving/models/fragile/reload", "{}");
        Assert.True(reload.Status == 400, reload.Body);
        Assert.Equal("INVALID_PARAMETER_VALUE", reload.ErrorCode);
        Assert.Contains($"models:/{HotSwapFixture.Model}@canary", reload["message"].GetString(), StringComparison.Ordinal);

        // ... version 1 keeps answering ...
        var answer = await fixture.ScoreAsync(fixture.Client, "fragile");
        Assert.Equal(200, answer.Status);
        Assert.Equal(fixture.V1Probability, answer.Probability);

        // ... and the failure is reported, by the reload and again by the follower's own tries.
        var described = await fixture.DescribeAsync("fragile");
        Assert.Equal("1", described.GetProperty("version").GetString());
        Assert.False(string.IsNullOrWhiteSpace(described.GetProperty("last_error").GetProperty("message").GetString()));
        Assert.True(described.GetProperty("last_error").GetProperty("timestamp").GetInt64() > 0);
        var failures = described.GetProperty("load_failures").GetInt64();
        Assert.True(failures >= 1);
        await HotSwapFixture.WaitForAsync(
            async () => (await fixture.DescribeAsync("fragile")).GetProperty("load_failures").GetInt64() > failures,
            "the follower to retry and report the failure again");
        Assert.Equal(1, (await fixture.DescribeAsync("fragile")).GetProperty("generation").GetInt64());

        // Pointing the alias at a good version again recovers.
        await fixture.SetAliasAsync("canary", 2);
        await HotSwapFixture.WaitForAsync(
            async () => (await fixture.DescribeAsync("fragile")).GetProperty("version").GetString() == "2",
            "the follower to load version 2");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await fixture.DescribeAsync("fragile")).GetProperty("last_error").ValueKind);
        Assert.Equal(200, (await fixture.Client.ApiSendAsync(HttpMethod.Delete, "/api/2.0/keel/serving/models/fragile")).Status);
    }

    [Fact]
    public async Task HotSwapUnderContinuousLoad_LosesNoRequestAndBothVersionsAnswer()
    {
        await fixture.SetAliasAsync("live", 1);
        Assert.Equal(200, (await fixture.LoadAsync("hot", $"models:/{HotSwapFixture.Model}@live")).Status);
        Assert.True(fixture.Served.TryGet("hot", out var initial));
        var generations = new List<ServedModel> { initial };

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        long v1 = 0, v2 = 0;
        var clients = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            using var client = fixture.Factory.CreateClient();
            while (!stop.IsCancellationRequested)
            {
                var (status, probability, body) = await fixture.ScoreAsync(client, "hot");
                if (status != 200)
                {
                    failures.Enqueue($"{status}: {body}");
                }
                else if (probability == fixture.V1Probability)
                {
                    Interlocked.Increment(ref v1);
                }
                else if (probability == fixture.V2Probability)
                {
                    Interlocked.Increment(ref v2);
                }
                else
                {
                    failures.Enqueue($"unexpected probability {probability}");
                }
            }
        })).ToArray();

        // Move the alias 1 -> 2 -> 1 -> 2 while the clients keep scoring, waiting for each swap.
        var clock = Stopwatch.StartNew();
        // Each version serves a run of requests before the alias moves on (polled, not slept).
        long Answered() => Interlocked.Read(ref v1) + Interlocked.Read(ref v2) + failures.Count;
        async Task ServeSomeAsync()
        {
            var target = Answered() + 200;
            await HotSwapFixture.WaitForAsync(() => Task.FromResult(Answered() >= target), "200 more requests answered");
        }

        foreach (var version in new[] { 2, 1, 2 })
        {
            await ServeSomeAsync();
            await fixture.SetAliasAsync("live", version);
            var expected = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await HotSwapFixture.WaitForAsync(
                () => Task.FromResult(fixture.Served.TryGet("hot", out var m) && m.Version == expected),
                $"the swap to version {version}");
            Assert.True(fixture.Served.TryGet("hot", out var current));
            generations.Add(current);
        }

        await ServeSomeAsync();
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        clock.Stop();

        Assert.True(failures.IsEmpty, $"{failures.Count} failed requests, e.g. {failures.FirstOrDefault()}");
        Assert.True(v1 > 0 && v2 > 0, $"v1 answered {v1}, v2 answered {v2}");
        Assert.Equal([1L, 2, 3, 4], generations.Select(g => g.Generation));

        // Every replaced generation was disposed once its requests finished, its download deleted.
        Assert.All(generations[..^1], g =>
        {
            Assert.True(g.IsDisposed, $"generation {g.Generation} not disposed");
            Assert.False(Directory.Exists(g.PackageDirectory));
        });
        Assert.False(generations[^1].IsDisposed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(200, (await fixture.Client.ApiSendAsync(HttpMethod.Delete, "/api/2.0/keel/serving/models/hot")).Status);
    }
}
