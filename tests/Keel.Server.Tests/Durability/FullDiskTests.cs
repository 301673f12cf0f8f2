using System.Text.Json;
using Keel.Core.Storage;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Durability;

/// <summary>
/// The server on a real full filesystem (a small tmpfs filled to ENOSPC): artifact uploads and
/// log-batch answer 507 INSUFFICIENT_STORAGE with a clear message, <c>/health</c> reports the
/// degraded state, nothing acknowledged is lost, and everything works again once space is freed.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TmpfsMount _disk = TmpfsMount.Create(16);

    [Fact]
    public async Task ArtifactUpload_OnAFullDisk_Is507_HealthDegrades_AndRecoversWhenSpaceIsFreed()
    {
        await using var server = new FullDiskServer(_disk.Path);
        using var client = server.CreateClient();
        Assert.Equal(200, (await PutAsync(client, "before.bin", 1000)).Status);

        var filler = _disk.Fill();
        var refused = await PutAsync(client, "during.bin", 256 * 1024);

        Assert.Equal(507, refused.Status);
        Assert.Equal("INSUFFICIENT_STORAGE", refused.ErrorCode);
        Assert.Contains("The disk holding the artifact store is full", refused["message"].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_disk.Path, refused.Body, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_disk.Path, "artifacts", "during.bin")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_disk.Path, "artifacts"), ".*"));
        var degraded = await client.ApiGetAsync("/health");
        Assert.Equal(503, degraded.Status);
        Assert.Equal("INSUFFICIENT_STORAGE", degraded.ErrorCode);
        Assert.Equal("artifacts", degraded["problems"][0].GetProperty("store").GetString());

        File.Delete(filler);
        Assert.Equal(200, (await PutAsync(client, "after.bin", 256 * 1024)).Status);
        Assert.True(server.Services.GetRequiredService<StorageHealth>().IsHealthy);
        Assert.Equal("OK", await client.GetStringAsync("/health"));
        Assert.Equal(1000, (await File.ReadAllBytesAsync(Path.Combine(_disk.Path, "artifacts", "before.bin"))).Length);
    }

    [Fact]
    public async Task LogBatch_OnAFullDisk_Is507_KeepsEveryAcknowledgedMetric_AndRecoversWhenSpaceIsFreed()
    {
        await using var server = new FullDiskServer(_disk.Path);
        using var client = server.CreateClient();
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync("full"));
        var acknowledged = new List<long>();
        var next = 0L;
        string? filler = null;

        // Three batches before the disk fills, then until it says no (the WAL may still have room).
        ApiAnswer answer;
        do
        {
            if (next == 1500)
            {
                filler = _disk.Fill();
            }

            var steps = Enumerable.Range(0, 500).Select(_ => next++).ToList();
            answer = await client.ApiPostAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics = steps.Select(s => new { key = "loss-with-a-longer-name-" + (s % 7), value = s * 0.5, timestamp = 1000 + s, step = s }),
            });
            if (answer.Status == 200)
            {
                acknowledged.AddRange(steps);
            }
        }
        while (answer.Status == 200 && next < 2_000_000);

        Assert.Equal(507, answer.Status);
        Assert.Equal("INSUFFICIENT_STORAGE", answer.ErrorCode);
        Assert.Contains("The disk holding the database is full", answer["message"].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_disk.Path, answer.Body, StringComparison.Ordinal);
        var degraded = await client.ApiGetAsync("/health");
        Assert.Equal(503, degraded.Status);
        Assert.Equal("database", degraded["problems"][0].GetProperty("store").GetString());
        Assert.Equal(200, (await client.ApiGetAsync($"runs/get?run_id={runId}")).Status);

        File.Delete(filler!);
        var after = await client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "after", value = 1.0, timestamp = 1, step = 0 } } });
        Assert.Equal(200, after.Status);
        Assert.True(server.Services.GetRequiredService<StorageHealth>().IsHealthy);
        Assert.Equal("OK", await client.GetStringAsync("/health"));

        var stored = new HashSet<long>();
        for (var k = 0; k < 7; k++)
        {
            var history = await client.ApiGetAsync($"metrics/get-history?run_id={runId}&metric_key=loss-with-a-longer-name-{k}");
            Assert.True(history.Status == 200, history.Body);
            Assert.False(history.Json.TryGetProperty("next_page_token", out _), "expected one page");
            foreach (var metric in history["metrics"].EnumerateArray())
            {
                stored.Add(metric.GetProperty("step").GetInt64());
            }
        }

        Assert.NotEmpty(acknowledged);
        var lost = acknowledged.Where(s => !stored.Contains(s)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged metrics were lost");
    }

    public void Dispose() => _disk.Dispose();

    private static async Task<ApiAnswer> PutAsync(HttpClient client, string path, int bytes)
    {
        using var content = new ByteArrayContent(new byte[bytes]);
        using var response = await client.PutAsync("/api/2.0/mlflow-artifacts/artifacts/" + path, content);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new ApiAnswer((int)response.StatusCode, json, text);
    }

    /// <summary>The server with its database and artifacts on the small filesystem.</summary>
    private sealed class FullDiskServer(string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + Path.Combine(folder, "keel.db"));
            builder.UseSetting("Keel:ArtifactsUri", Path.Combine(folder, "artifacts"));
        }
    }
}
