using System.Collections.Concurrent;
using Keel.Client;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// Mixed traffic through the load balancer from a few workers, each one request at a time: create
/// run, log-batch, set tag, create model version, get run, search runs, in turn. Every acknowledged
/// write is kept (to read back from the store later); every failed request is kept with its error.
/// A worker has at most one request in flight, so at most one per worker can be caught by a kill.
/// </summary>
public sealed class MixedLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly string _experiment;
    private readonly string _model;
    private long _acknowledged;
    private long _reads;

    public MixedLoad(Uri address, string experiment, string model, int workers)
    {
        _experiment = experiment;
        _model = model;
        _workers = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(address, w))).ToArray();
    }

    /// <summary>Writes acknowledged so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Reads answered so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Runs whose creation was acknowledged: run id.</summary>
    public ConcurrentBag<string> Runs { get; } = [];

    /// <summary>Acknowledged log-batch calls: run id, batch number (metric <c>loss</c> at steps n*10..n*10+4 with value step/2, and param <c>p{n}</c>=<c>n</c>).</summary>
    public ConcurrentBag<(string RunId, int Batch)> Batches { get; } = [];

    /// <summary>Acknowledged set-tag calls: run id, key, value.</summary>
    public ConcurrentBag<(string RunId, string Key, string Value)> Tags { get; } = [];

    /// <summary>Acknowledged model versions: number, source.</summary>
    public ConcurrentBag<(string Version, string Source)> Versions { get; } = [];

    /// <summary>Failed requests: the operation and the error.</summary>
    public ConcurrentQueue<(string Operation, string Error)> Failures { get; } = new();

    public int Workers => _workers.Length;

    /// <summary>Stops the workers (each finishes the request it has in flight) and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(Uri address, int worker)
    {
        using var client = new KeelClient(address, new KeelClientOptions { MaxRetryAttempts = 0, Timeout = TimeSpan.FromSeconds(60) });
        string? run = null;
        var batch = 0;
        for (var turn = 0; !_stop.IsCancellationRequested; turn++)
        {
            var operation = run is null ? 0 : turn % 6;
            var name = Names[operation];
            try
            {
                switch (operation)
                {
                    case 0:
                        var created = await client.CreateRunAsync(new CreateRunCommand(_experiment, $"w{worker}", null, null, null), CancellationToken.None);
                        run = created.Info.RunId;
                        Runs.Add(run);
                        break;
                    case 1:
                        var n = batch++;
                        var metrics = Enumerable.Range(n * 10, 5).Select(s => new Metric("loss", s / 2.0, 1_700_000_000_000 + s, s)).ToList();
                        await client.LogBatchAsync(run!, metrics, [new Param($"p{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture))], [], CancellationToken.None);
                        Batches.Add((run!, n));
                        break;
                    case 2:
                        var value = $"w{worker}-t{turn}";
                        await client.SetTagAsync(run!, $"tag{turn % 4}", value, CancellationToken.None);
                        Tags.Add((run!, $"tag{turn % 4}", value));
                        break;
                    case 3:
                        var source = $"runs:/{run}/model";
                        var version = await client.CreateModelVersionAsync(new CreateModelVersionCommand(_model, source, run, null, null, null, null), new Actor("load"), CancellationToken.None);
                        Versions.Add((version.Version, source));
                        break;
                    case 4:
                        await client.GetRunAsync(run!, CancellationToken.None);
                        Interlocked.Increment(ref _reads);
                        continue;
                    default:
                        await client.SearchRunsAsync(new RunSearchQuery([_experiment], MaxResults: 20), CancellationToken.None);
                        Interlocked.Increment(ref _reads);
                        continue;
                }

                Interlocked.Increment(ref _acknowledged);
            }
            catch (Exception e)
            {
                Failures.Enqueue((name, e.GetType().Name + ": " + e.Message));
            }
        }
    }

    private static readonly string[] Names = ["create-run", "log-batch", "set-tag", "create-model-version", "get-run", "search-runs"];
}
