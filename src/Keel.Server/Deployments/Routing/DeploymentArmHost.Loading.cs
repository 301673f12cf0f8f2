using System.Diagnostics;
using Keel.Core.Deployments;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

// Loading versions (one at a time per deployment) and the controller's warm-up check.
internal sealed partial class DeploymentArmHost : IDeploymentArmWarmer
{
    /// <summary>
    /// Loads <paramref name="version"/> of the deployment's model beside its arms (or finds it
    /// loaded), keeps it for the rollback window, and scores the package's input example on it.
    /// </summary>
    public async Task<ArmWarmup> WarmAsync(Deployment deployment, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentException.ThrowIfNullOrEmpty(version);
        var hosted = Host(deployment);
        var start = Stopwatch.GetTimestamp();
        var loadMs = 0L;
        ServedModel? model;
        lock (hosted.Gate)
        {
            hosted.Loaded.TryGetValue(version, out model);
        }

        if (model is null)
        {
            await hosted.LoadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                lock (hosted.Gate)
                {
                    hosted.Loaded.TryGetValue(version, out model);
                }

                if (model is null)
                {
                    var (loaded, problem) = await LoadOneAsync(hosted, deployment.Model, version, cancellationToken).ConfigureAwait(false);
                    if (loaded is null)
                    {
                        return new ArmWarmup(version, false, (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds, false, problem);
                    }

                    model = loaded;
                    loadMs = (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
            finally
            {
                hosted.LoadGate.Release();
            }
        }

        lock (hosted.Gate)
        {
            Keep(hosted, version, Now() + (long)DeploymentSpecValidator.RollbackWindow(hosted.Latest.Spec).TotalMilliseconds);
        }

        var lease = ArmTable.TryLease(model);
        if (lease is null)
        {
            return new ArmWarmup(version, false, loadMs, false, $"Version {version} was released while it was being checked.");
        }

        using (lease)
        {
            try
            {
                if (model.InputExample.ValueKind is System.Text.Json.JsonValueKind.Undefined or System.Text.Json.JsonValueKind.Null)
                {
                    return new ArmWarmup(version, model.Ready, loadMs, false, model.Ready ? null : "The model is not warmed up.");
                }

                var rows = ScoringInput.ParseMlflow(model.InputExample, model.Signature.Inputs, requireWrapper: false);
                var predictions = model.Predict(rows);
                return predictions.Count == rows.Count
                    ? new ArmWarmup(version, model.Ready, loadMs, true, model.Ready ? null : "The model is not warmed up.")
                    : new ArmWarmup(version, false, loadMs, true, $"Scoring the input example gave {predictions.Count} predictions for {rows.Count} rows.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new ArmWarmup(version, false, loadMs, false, $"Version {version} loaded but could not score its input example: {e.Message}");
            }
        }
    }

    /// <summary>Loads, one by one, the versions the newest record needs; then builds the table.</summary>
    private async Task LoadMissingAsync(HostedDeployment hosted, bool retryFailed, CancellationToken cancellationToken)
    {
        await hosted.LoadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tried = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                string? version;
                string model;
                lock (hosted.Gate)
                {
                    if (hosted.Closed)
                    {
                        return;
                    }

                    model = hosted.Latest.Model;
                    version = Missing(hosted, Now(), retryFailed);
                }

                if (version is null || !tried.Add(version))
                {
                    break;
                }

                await LoadOneAsync(hosted, model, version, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            hosted.LoadGate.Release();
        }

        lock (hosted.Gate)
        {
            if (!hosted.Closed)
            {
                Rebuild(hosted, Now());
            }
        }
    }

    private async Task LoadInBackgroundAsync(HostedDeployment hosted)
    {
        try
        {
            await LoadMissingAsync(hosted, retryFailed: false, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (ObjectDisposedException)
        {
            // Shut down meanwhile.
        }
        finally
        {
            Volatile.Write(ref hosted.Loading, 0);
        }
    }

    /// <summary>Loads one version for the deployment; a failure is recorded (retried after <see cref="DeploymentRoutingOptions.LoadRetryDelay"/>) and returned as the problem.</summary>
    private async Task<(ServedModel? Model, string? Problem)> LoadOneAsync(HostedDeployment hosted, string model, string version, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var loaded = await _loader.LoadVersionAsync(model, version, _registry, _tracking, _artifacts, cancellationToken).ConfigureAwait(false);
            lock (hosted.Gate)
            {
                if (hosted.Closed || !hosted.Loaded.TryAdd(version, loaded))
                {
                    loaded.Retire();
                    return hosted.Loaded.TryGetValue(version, out var existing) ? (existing, null) : (null, $"Deployment '{hosted.Name}' is no longer served here.");
                }

                hosted.Failures.Remove(version);
            }

            RoutingLog.Loaded(_logger, hosted.Name, model, version, (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return (loaded, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var problem = $"Version {version} of model '{model}' cannot be loaded: {e.Message}";
            lock (hosted.Gate)
            {
                hosted.Failures[version] = (Now(), problem);
            }

            RoutingLog.LoadFailed(_logger, e, hosted.Name, model, version);
            return (null, problem);
        }
    }
}
