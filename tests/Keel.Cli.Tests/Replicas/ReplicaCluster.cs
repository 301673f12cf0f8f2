using System.Diagnostics;
using Keel.Cli.Tests.Serve;
using Keel.Client;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// N real <c>keel server</c> processes on free loopback ports, all on one <see cref="ReplicaBackend"/>,
/// behind a <see cref="ReplicaBalancer"/> (nginx with <c>deploy/nginx.conf</c>). Start-up waits for
/// every replica's /health and then nginx's, each with a deadline; <see cref="KillAsync"/> sends
/// SIGKILL; dispose stops everything it started, whatever happened.
/// </summary>
public sealed class ReplicaCluster : IAsyncDisposable
{
    private readonly List<ChildProcess> _replicas;

    private ReplicaCluster(List<ChildProcess> replicas, ReplicaBalancer balancer)
    {
        _replicas = replicas;
        Balancer = balancer;
    }

    /// <summary>The replicas, in start order (a killed one stays in the list).</summary>
    public IReadOnlyList<ChildProcess> Replicas => _replicas;

    /// <summary>nginx in front of the replicas.</summary>
    public ReplicaBalancer Balancer { get; }

    /// <summary>Where clients send requests: nginx.</summary>
    public Uri Address => Balancer.Address;

    /// <summary>
    /// Starts <paramref name="count"/> replicas on <paramref name="backend"/> with
    /// <paramref name="environment"/> on top of the backend's (the first alone, so that it creates
    /// or migrates the schema, then the others at once), and nginx over them.
    /// </summary>
    public static async Task<ReplicaCluster> StartAsync(ReplicaBackend backend, int count, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>(backend.Environment);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var replicas = new List<ChildProcess>();
        try
        {
            replicas.Add(await StartReplicaAsync(backend, settings));
            var others = Enumerable.Range(1, count - 1).Select(_ => StartReplicaAsync(backend, settings)).ToList();
            try
            {
                await Task.WhenAll(others);
            }
            finally
            {
                // Those that started are disposed below when another failed.
                replicas.AddRange(others.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var replica in replicas)
            {
                await WaitForAsync(() => AnswersHealthAsync(http, replica.Address), $"replica {replica.Address} to answer /health", 60, () => replica.Output);
            }

            return new ReplicaCluster(replicas, await ReplicaBalancer.StartAsync([.. replicas.Select(r => r.Address)]));
        }
        catch
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>A client through nginx that never retries (so every failure is seen and counted).</summary>
    public KeelClient CreateClient() => new(Address, new KeelClientOptions { MaxRetryAttempts = 0 });

    /// <summary>A client of one replica directly, bypassing nginx.</summary>
    public KeelClient CreateClient(int replica) => new(_replicas[replica].Address, new KeelClientOptions { MaxRetryAttempts = 0 });

    /// <summary>Kills replica <paramref name="replica"/> with SIGKILL (<c>kill -9</c>: no drain, no lease release) and waits until it is gone.</summary>
    public async Task KillAsync(int replica)
    {
        var process = _replicas[replica];
        using (var kill = Process.Start("kill", ["-KILL", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>The index of the live replica whose process id is <paramref name="pid"/>, or -1.</summary>
    public int IndexOfProcess(int pid) => _replicas.FindIndex(r => r.Id == pid && !r.HasExited);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Balancer.DisposeAsync();
        }
        finally
        {
            foreach (var replica in _replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    /// <summary>Whether <c>GET address/health</c> answers 200 now.</summary>
    public static async Task<bool> AnswersHealthAsync(HttpClient http, Uri address)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(address, "health"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, failing after <paramref name="seconds"/>.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 60, Func<string>? detail = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed.TotalSeconds < seconds, $"Timed out after {seconds} s waiting for {what}. {detail?.Invoke()}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static Task<ChildProcess> StartReplicaAsync(ReplicaBackend backend, IReadOnlyDictionary<string, string> environment) =>
        ChildProcess.StartAsync(
            ["server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", backend.BackendStoreUri, "--artifacts-uri", backend.ArtifactsUri],
            "Keel server listening on ",
            environment);
}
