using Keel.Cli.Infrastructure;
using Keel.Client;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Server.Serving;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Serve;

/// <summary>
/// The replica side of a rolling deployment (<c>keel serve --deployment NAME</c>): registers with
/// the tracking server, then every heartbeat interval reports what it serves (version, ready,
/// healthy) and reads back the version it is assigned. When the assignment changes it loads that
/// version's package, warms it (scoring its input example) and swaps it in while requests go on
/// (<see cref="ServedModelRegistry"/>'s leases), then reports it at once. A version that fails to
/// load is reported (healthy false, with the error) and not tried again until the assignment
/// changes; the old version keeps serving. After each heartbeat it exchanges scoring tokens: reports
/// the tokens that let a request score and takes the deployment's current set, which
/// <see cref="ServeTokenGate"/> checks requests against. On SIGTERM it drains (<see cref="StoppingAsync"/>).
/// </summary>
internal sealed class ReplicaAgent(
    KeelClient client,
    CliStore store,
    ServedModelRegistry models,
    ServeTokenGate tokens,
    string deployment,
    string model,
    string replicaId,
    TimeSpan interval,
    TimeSpan drainDelay,
    TextWriter output,
    TextWriter error) : IHostedLifecycleService
{
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private volatile bool _draining;
    private volatile string? _served;
    private string? _failedVersion;
    private string? _detail;
    private string? _desired;

    /// <summary>Where this replica listens, as reported; set once the host has started.</summary>
    public string Address { get; set; } = string.Empty;

    /// <summary>Whether requests should be sent here: a version is loaded and warm and the replica is not draining.</summary>
    public bool Ready => _served is not null && !_draining;

    /// <summary>Registers, then loads what it is assigned and reports, until <paramref name="cancellationToken"/> ends.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_desired is { } desired && desired != _served && desired != _failedVersion && !_draining)
                {
                    await LoadAsync(desired, cancellationToken).ConfigureAwait(false);
                }

                var before = _desired;
                await ReportAsync(cancellationToken).ConfigureAwait(false);
                if (_desired == before || _desired == _served || _desired == _failedVersion)
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task LoadAsync(string version, CancellationToken cancellationToken)
    {
        try
        {
            var loaded = await models.LoadFromRegistryAsync(model, $"models:/{model}/{version}", store.Registry, store.Tracking, store.Artifacts, cancellationToken).ConfigureAwait(false);
            _served = loaded.Version;
            _failedVersion = null;
            _detail = null;
            await output.WriteLineAsync($"Replica {replicaId} of deployment {deployment} now serves {model} version {loaded.Version} (generation {loaded.Generation}) on {Address}").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _failedVersion = version;
            _detail = $"loading version {version} failed: {e.Message}";
            await error.WriteLineAsync($"warning: replica {replicaId}: {_detail}; version {_served ?? "none"} keeps serving").ConfigureAwait(false);
        }
    }

    /// <summary>Sends one heartbeat (registering when the server does not know this replica) and keeps the assignment it answers.</summary>
    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        await _reporting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var report = new ReplicaReport(deployment, replicaId, Address, _served, Ready, _failedVersion is null || _failedVersion != _desired, _detail, _failedVersion);
            DeploymentReplica answer;
            try
            {
                answer = _desired is null
                    ? await client.RegisterDeploymentReplicaAsync(report, cancellationToken).ConfigureAwait(false)
                    : await client.SendDeploymentReplicaHeartbeatAsync(report, cancellationToken).ConfigureAwait(false);
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist && _desired is not null)
            {
                answer = await client.RegisterDeploymentReplicaAsync(report, cancellationToken).ConfigureAwait(false);
            }

            _desired = answer.DesiredVersion;
            tokens.Update(await client.ExchangeDeploymentScoringTokensAsync(deployment, tokens.TakeUses(), cancellationToken).ConfigureAwait(false));
            if (_failedVersion is not null && _failedVersion != _desired)
            {
                // The failure was about an assignment that is gone (the rollout was undone): forget
                // it, so a later rollout of the same version is tried afresh and not judged by it.
                _failedVersion = null;
                _detail = null;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The tracking server is away: keep serving what is loaded, and try again next time.
            await error.WriteLineAsync($"warning: replica {replicaId}: heartbeat or scoring-token exchange with the tracking server failed: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            _reporting.Release();
        }
    }

    /// <summary>SIGTERM: readiness goes false first (scoring requests get 503, so a load balancer retries them elsewhere; the server hears it), then after the drain delay the host stops, finishing requests in flight.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        await output.WriteLineAsync($"Replica {replicaId} draining ({drainDelay.TotalSeconds:0.###} s)").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await ReportAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server did not answer in time; it will see the heartbeats stop.
        }

        await Task.Delay(drainDelay, cancellationToken).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
