using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// Continuous scoring traffic through the load balancer from a few concurrent callers, counting
/// answers by the version that gave them and keeping every failure (status or exception).
/// </summary>
public sealed class ReplicaTraffic : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;
    private readonly RollingFixture _fixture;
    private long _ok;

    public ReplicaTraffic(RollingFixture fixture, Uri address, int callers = 4)
    {
        _fixture = fixture;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        _callers = Enumerable.Range(0, callers).Select(_ => Task.Run(CallAsync)).ToArray();
    }

    public long Ok => Interlocked.Read(ref _ok);

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>The version of each answer, in the order they came.</summary>
    public ConcurrentQueue<string> Versions { get; } = new();

    /// <summary>Stops the callers and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task CallAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var content = new StringContent(_fixture.Body, Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync("invocations", content, CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    Failures.Enqueue($"{(int)response.StatusCode}: {text}");
                    continue;
                }

                var probability = JsonDocument.Parse(text).RootElement.GetProperty("predictions")[0].GetProperty("probability").GetDouble();
                Versions.Enqueue(_fixture.VersionOf(probability) ?? $"unknown ({probability})");
                Interlocked.Increment(ref _ok);
            }
            catch (Exception e)
            {
                Failures.Enqueue(e.GetType().Name + ": " + e.Message);
            }
        }
    }
}
