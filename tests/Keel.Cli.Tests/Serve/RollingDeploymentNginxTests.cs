using Keel.Core.Deployments;
using Keel.Core.Registry;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// The issue's rolling test: three real <c>keel serve --deployment</c> replica processes behind
/// Debian's nginx on loopback, a real <c>keel server</c> as tracking server running the rolling
/// coordinator, and continuous scoring traffic through nginx during every change.
/// </summary>
public sealed partial class RollingDeploymentNginxTests(RollingFixture fixture) : IClassFixture<RollingFixture>
{
    private static readonly Actor Operator = new("operator", "rolling test");

    [Fact]
    public async Task RollingUpdate_ThreeReplicasBehindNginx_OneAtATime_ZeroFailedRequests_AllEndOnTheNewVersion_AliasMoves_AndADrainingReplicaLosesNoRequest()
    {
        SkipWithoutNginx();
        const string name = "rolling-good";
        using var client = fixture.CreateClient();
        await client.CreateDeploymentAsync(Spec(name, "1"), Operator);
        var replicas = await StartReplicasAsync(name, "1");
        try
        {
            await using var nginx = await NginxProcess.StartAsync([.. replicas.Select(r => r.Address)], PingsAsync);
            await using var traffic = new ReplicaTraffic(fixture, nginx.Address);
            await using var watch = new ReplicaWatch(client, name, [.. replicas.Select(r => r.Address)]);
            await WaitForAsync(async () => traffic.Ok >= 20, "traffic through nginx");

            var before = traffic.Ok;
            await client.ApplyDeploymentAsync(Spec(name, "2"), Operator);
            await WaitForAsync(async () => (await client.GetDeploymentAsync(name)).State == DeploymentState.Promoted, "the rolling update to promote", 90);

            var listed = await client.ListDeploymentReplicasAsync(name);
            Assert.Equal(3, listed.Count);
            Assert.All(listed, r => Assert.Equal(("2", "2", true, true), (r.ServedVersion, r.DesiredVersion, r.Ready, r.Healthy)));
            // The deployment is written before the alias moves (DeploymentService.Repair.cs): the alias follows it.
            await WaitForAsync(async () => (await client.GetModelVersionByAliasAsync(RollingFixture.Model, name)).Version == "2", "the alias to follow the promotion", 10);
            var history = (await client.GetDeploymentHistoryAsync(name)).Items;
            Assert.Equal(["r1", "r2", "r3"], history.Where(e => e.Kind == DeploymentEventKinds.ReplicaMoved).Select(e => e.Evidence!.Value.GetProperty("replica").GetProperty("replica_id").GetString()));
            Assert.Equal([33, 67, 100], history.Where(e => e.Kind == DeploymentEventKinds.ReplicaMoved).Select(e => e.CandidateWeight));
            Assert.Equal(DeploymentEventKinds.Promoted, history[^1].Kind);
            Assert.StartsWith("controller:rolling:", history[^1].User);
            var status = await Infrastructure.KeelProcess.RunAsync(["deploy", "status", name, "--tracking-uri", fixture.Server.Address.AbsoluteUri]);
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("3 of 3 replicas serve version 2", status.Out);
            var json = await Infrastructure.KeelProcess.RunAsync(["deploy", "status", name, "--json", "--tracking-uri", fixture.Server.Address.AbsoluteUri]);
            Assert.True(json.ExitCode == 0, json.ToString());
            Assert.Equal("promoted", json.Json().GetProperty("state").GetString());
            Assert.Equal(["2", "2", "2"], json.Json().GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("served_version").GetString()));

            // Requests flowed all along; answers moved from version 1 to 2, and now only 2 answers.
            Assert.True(traffic.Ok - before >= 20, $"only {traffic.Ok - before} requests during the rollout");
            var seen = traffic.Versions.ToArray();
            Assert.Contains("1", seen);
            Assert.Contains("2", seen);
            var promotedAt = traffic.Versions.Count;
            await WaitForAsync(async () => traffic.Versions.Count >= promotedAt + 40, "traffic after the promotion");
            Assert.All(traffic.Versions.Skip(promotedAt), v => Assert.Equal("2", v));

            // SIGTERM one replica under traffic: readiness goes false first, nginx sends elsewhere, no request fails.
            await replicas[0].TerminateAsync();
            Assert.Equal(0, await replicas[0].WaitForExitAsync());
            Assert.Contains("draining", replicas[0].Output);
            var afterDrain = traffic.Ok;
            await WaitForAsync(async () => traffic.Ok >= afterDrain + 40, "traffic after the drain");
            await traffic.StopAsync();

            Assert.True(traffic.Failures.IsEmpty, $"{traffic.Failures.Count} failed requests of {traffic.Ok + traffic.Failures.Count}: {string.Join(" | ", traffic.Failures.Take(5))}\nnginx: {nginx.ErrorLog()}");
            await watch.StopAsync();
            Assert.True(watch.Samples > 10, $"only {watch.Samples} availability samples");
            TestContext.Current.TestOutputHelper?.WriteLine($"{traffic.Ok} requests through nginx, {traffic.Failures.Count} failed; {watch.Samples} samples, at most {watch.MaxUnavailable} unavailable and {watch.MaxMoving} moving at once");
            Assert.True(watch.MaxUnavailable <= 1, $"{watch.MaxUnavailable} replicas were unavailable at once: {watch.WorstSample}");
            Assert.True(watch.MaxMoving <= 1, $"{watch.MaxMoving} replicas were moving at once: {watch.WorstSample}");
        }
        finally
        {
            await StopAsync(replicas);
        }
    }

    [Fact]
    public async Task RollingUpdate_ToAVersionThatCannotLoad_FailsAtTheFirstReplica_EveryReplicaBackOnStable_ZeroFailedRequests()
    {
        SkipWithoutNginx();
        const string name = "rolling-bad";
        using var client = fixture.CreateClient();
        await client.CreateDeploymentAsync(Spec(name, "1"), Operator);
        var replicas = await StartReplicasAsync(name, "1");
        try
        {
            await using var nginx = await NginxProcess.StartAsync([.. replicas.Select(r => r.Address)], PingsAsync);
            await using var traffic = new ReplicaTraffic(fixture, nginx.Address);
            await using var watch = new ReplicaWatch(client, name, [.. replicas.Select(r => r.Address)]);
            await WaitForAsync(async () => traffic.Ok >= 20, "traffic through nginx");

            await client.ApplyDeploymentAsync(Spec(name, "3"), Operator);
            await WaitForAsync(async () => (await client.GetDeploymentAsync(name)).State == DeploymentState.Failed, "the rollout to fail", 90);

            var failed = await client.GetDeploymentAsync(name);
            Assert.Equal("1", failed.StableVersion);
            Assert.Equal(0, failed.CandidateWeight);
            await WaitForAsync(async () => (await client.GetModelVersionByAliasAsync(RollingFixture.Model, name)).Version == "1", "the alias to stay on (or return to) the stable version", 10);
            var last = (await client.GetDeploymentHistoryAsync(name)).Items[^1];
            Assert.Equal(DeploymentEventKinds.Failed, last.Kind);
            var replica = last.Evidence!.Value.GetProperty("replica");
            Assert.Equal("r1", replica.GetProperty("replica_id").GetString());
            Assert.Equal("3", replica.GetProperty("failed_version").GetString());
            Assert.Contains("loading version 3 failed", replica.GetProperty("detail").GetString());
            Assert.Equal(1, last.Evidence.Value.GetProperty("replicas_on_candidate").GetInt32());

            await WaitForAsync(
                async () => (await client.ListDeploymentReplicasAsync(name)).All(r => r is { ServedVersion: "1", DesiredVersion: "1", Ready: true, Healthy: true }),
                "every replica back on version 1, ready and healthy");
            var count = traffic.Versions.Count;
            await WaitForAsync(async () => traffic.Versions.Count >= count + 40, "traffic after the rollback");
            await traffic.StopAsync();

            Assert.True(traffic.Failures.IsEmpty, $"{traffic.Failures.Count} failed requests: {string.Join(" | ", traffic.Failures.Take(5))}\nnginx: {nginx.ErrorLog()}");
            Assert.All(traffic.Versions, v => Assert.Equal("1", v));
            await watch.StopAsync();
            TestContext.Current.TestOutputHelper?.WriteLine($"{traffic.Ok} requests through nginx, {traffic.Failures.Count} failed; {watch.Samples} samples, at most {watch.MaxUnavailable} unavailable and {watch.MaxMoving} moving at once");
            Assert.True(watch.MaxUnavailable <= 1, $"{watch.MaxUnavailable} replicas were unavailable at once: {watch.WorstSample}");
            Assert.True(watch.MaxMoving <= 1, $"{watch.MaxMoving} replicas were moving at once: {watch.WorstSample}");
        }
        finally
        {
            await StopAsync(replicas);
        }
    }

    private static void SkipWithoutNginx()
    {
        if (NginxProcess.Unavailable is { } why)
        {
            Assert.Skip(why);
        }
    }

    private static DeploymentSpec Spec(string name, string version) => new()
    {
        Name = name,
        Model = RollingFixture.Model,
        Version = version,
        Strategy = "rolling",
        Alias = name,
        Rolling = new RollingPolicy { Bake = "500ms", ReadyTimeout = "60s", HeartbeatTimeout = "5s" },
    };

    private async Task<List<ChildProcess>> StartReplicasAsync(string deployment, string version)
    {
        var replicas = new List<ChildProcess>();
        try
        {
            foreach (var id in new[] { "r1", "r2", "r3" })
            {
                replicas.Add(await ChildProcess.StartAsync(
                    ["serve", "--deployment", deployment, "--tracking-uri", fixture.Server.Address.AbsoluteUri, "--port", "0", "--replica-id", id, "--heartbeat-interval", "00:00:00.100", "--drain-delay", "00:00:01"],
                    " listening on "));
            }

            using var client = fixture.CreateClient();
            await WaitForAsync(
                async () => (await client.ListDeploymentReplicasAsync(deployment)) is { Count: 3 } all && all.All(r => r.ServedVersion == version && r.Ready && r.Healthy),
                $"three replicas serving version {version}");
            return replicas;
        }
        catch
        {
            await StopAsync(replicas);
            throw;
        }
    }

    private static async Task StopAsync(List<ChildProcess> replicas)
    {
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private static async Task<bool> PingsAsync(Uri address)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(address, "ping"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
