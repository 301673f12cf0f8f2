using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Server.Tests.Infrastructure;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Durability;

public sealed class KillNineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-kill-").FullName;

    [Fact]
    public async Task AcknowledgedWrites_SurviveKillNineOfTheServer()
    {
        string runId;
        var acknowledged = new ConcurrentBag<long>();
        using (var server = await ServerProcess.StartAsync(_folder))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            var experiment = await client.PostAsJsonAsync("api/2.0/mlflow/experiments/create", new { name = "durable" });
            var experimentId = (await experiment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("experiment_id").GetString();
            var run = await client.PostAsJsonAsync("api/2.0/mlflow/runs/create", new { experiment_id = experimentId });
            runId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;

            // 16 writers log distinct steps as fast as they can; kill -9 lands mid-stream.
            using var stop = new CancellationTokenSource();
            long next = 0;
            var writers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var step = Interlocked.Increment(ref next);
                    try
                    {
                        using var response = await client.PostAsJsonAsync("api/2.0/mlflow/runs/log-metric", new { run_id = runId, key = "m", value = step, timestamp = step, step });
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged.Add(step);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The server is gone.
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (acknowledged.Count < 2000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            server.KillHard();
            stop.Cancel();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Count >= 2000, $"only {acknowledged.Count} writes were acknowledged before the deadline");
        await using var store = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var stored = (await store.GetMetricHistoryAsync(runId, "m", int.MaxValue, null)).Items.Select(m => m.Step).ToHashSet();
        var lost = acknowledged.Where(s => !stored.Contains(s)).ToList();
        Assert.Empty(lost);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
