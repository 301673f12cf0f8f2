using Keel.Client;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// Samples, until stopped, how many replicas are unavailable (their /ping is not 200, or the
/// server has them not ready or unhealthy) and how many are moving (assigned a version they do
/// not yet serve ready and healthy), keeping the maximum of each. A replica stopped on purpose
/// counts too, so a test stops one only after the rollout it watches.
/// </summary>
public sealed class ReplicaWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public ReplicaWatch(KeelClient client, string deployment, IReadOnlyList<Uri> replicas) =>
        _sampling = Task.Run(() => SampleAsync(client, deployment, replicas));

    public int MaxUnavailable { get; private set; }

    public int MaxMoving { get; private set; }

    public int Samples { get; private set; }

    public string WorstSample { get; private set; } = string.Empty;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task SampleAsync(KeelClient client, string deployment, IReadOnlyList<Uri> replicas)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var listed = await client.ListDeploymentReplicasAsync(deployment, CancellationToken.None);
                var down = new List<string>();
                foreach (var address in replicas)
                {
                    if (!await PingsAsync(address))
                    {
                        down.Add(address.Authority);
                    }
                }

                var notReady = listed.Where(r => !r.Ready || !r.Healthy).Select(r => r.ReplicaId).ToList();
                var moving = listed.Count(r => r.ConvergedAt is null);
                var unavailable = Math.Max(down.Count, notReady.Count);
                Samples++;
                if (unavailable > MaxUnavailable || moving > MaxMoving)
                {
                    WorstSample = $"ping down [{string.Join(", ", down)}], not ready [{string.Join(", ", notReady)}], moving {moving}";
                }

                MaxUnavailable = Math.Max(MaxUnavailable, unavailable);
                MaxMoving = Math.Max(MaxMoving, moving);
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // A sample lost to a busy server; the next one counts.
            }

            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

    }

    private async Task<bool> PingsAsync(Uri address)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(address, "ping"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
