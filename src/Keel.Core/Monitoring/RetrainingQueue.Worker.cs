using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Monitoring;

// The worker: one job at a time, then the canary rollout when (and only when) the gates passed.
public sealed partial class RetrainingQueue
{
    private async Task WorkAsync()
    {
        try
        {
            await foreach (var id in _work.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await RunJobAsync(id).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutting down: the jobs still queued end cancelled.
        }

        List<RetrainingJob> left;
        lock (_gate)
        {
            left = [.. _active.Values];
        }

        foreach (var job in left)
        {
            End(job with { State = RetrainingStates.Cancelled, EndedAtMs = Now(), Message = "cancelled: the host shut down before it ran" });
        }
    }

    private async Task RunJobAsync(string id)
    {
        RetrainingJob? job;
        lock (_gate)
        {
            job = _active.Values.FirstOrDefault(j => j.Id == id);
        }

        if (job is null)
        {
            return;
        }

        job = Update(job.Model, j => j with { State = RetrainingStates.Running, StartedAtMs = Now(), Message = "training" });
        _observer?.Changed(job);
        var progress = new JobProgress(this, job.Model);
        try
        {
            var request = new RetrainRequest(job.Id, job.Model, job.Pipeline, AlertActionRunner.User, $"retrained by monitoring (job {job.Id}): {job.Alert}");
            var result = await _retrainer.TrainAsync(request, progress, _stop.Token).ConfigureAwait(false);
            job = Update(job.Model, j => j with { RunId = result.RunId, Version = result.Version, GateStatus = result.GateStatus });
            if (!result.GatesPassed)
            {
                End(job with
                {
                    State = RetrainingStates.GatesFailed,
                    EndedAtMs = Now(),
                    Canary = job.CanaryDeployment is null ? null : $"not applied to deployment '{job.CanaryDeployment}': the gates failed",
                    Message = $"gates failed ({result.GateStatus}); " + (result.Version is null ? "no version registered" : $"version {result.Version} registered with that verdict, not promoted, not deployed"),
                });
                return;
            }

            var canary = job.CanaryDeployment is { } deployment && result.Version is { } version
                ? await ApplyCanaryAsync(job, deployment, version).ConfigureAwait(false)
                : null;
            End(job with
            {
                State = RetrainingStates.Passed,
                EndedAtMs = Now(),
                Canary = canary ?? (job.CanaryDeployment is null ? null : $"not applied to deployment '{job.CanaryDeployment}': the pipeline registered no version"),
                Message = result.Version is null
                    ? "gates passed; the pipeline registered no version"
                    : $"gates passed; version {result.Version} registered" + (result.AliasApplied ? " with the alias or stage its pipeline asks for" : string.Empty),
            });
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            End(Current(job) with { State = RetrainingStates.Cancelled, EndedAtMs = Now(), Message = "cancelled: the host shut down while it trained" });
        }
        catch (Exception e)
        {
            // Training failed (data, pipeline, trainer, store): the job says why and the queue goes on.
            End(Current(job) with { State = RetrainingStates.Failed, EndedAtMs = Now(), Message = "failed: " + e.Message });
        }
    }

    /// <summary>Applies the new version to the deployment: a rollout whose own gates decide. Returns what happened, for people.</summary>
    private async Task<string> ApplyCanaryAsync(RetrainingJob job, string name, string version)
    {
        try
        {
            var deployment = await _deployments.GetAsync(name, _stop.Token).ConfigureAwait(false);
            var actor = new Actor(AlertActionRunner.User, $"retrained by monitoring (job {job.Id}, run {job.RunId}): {job.Alert}");
            var applied = await _deployments.ApplyAsync(deployment.Spec with { Version = version }, actor, _stop.Token).ConfigureAwait(false);
            return applied.Change is null
                ? $"deployment '{name}' already serves version {version}; nothing to roll out"
                : $"version {version} applied to deployment '{name}': {applied.Deployment.State.ToWireName()} ({applied.Change}), its gates decide";
        }
        catch (KeelException e)
        {
            return $"not applied to deployment '{name}': {e.Message}";
        }
    }

    private RetrainingJob Update(string model, Func<RetrainingJob, RetrainingJob> change)
    {
        lock (_gate)
        {
            var next = change(_active[model]);
            _active[model] = next;
            return next;
        }
    }

    /// <summary>The job as stored now (coalesced triggers counted).</summary>
    private RetrainingJob Current(RetrainingJob job)
    {
        lock (_gate)
        {
            return _active.TryGetValue(job.Model, out var current) ? current : job;
        }
    }

    /// <summary>Ends a job: kept among the ended ones, waiters released, the observer told.</summary>
    private void End(RetrainingJob job)
    {
        TaskCompletionSource<RetrainingJob>? done;
        lock (_gate)
        {
            // Keep the triggers coalesced while it ran.
            if (_active.TryGetValue(job.Model, out var current) && current.Id == job.Id)
            {
                job = job with { Triggers = current.Triggers };
                _active.Remove(job.Model);
            }

            _ended.AddFirst(job);
            while (_ended.Count > _options.KeepEnded)
            {
                _ended.RemoveLast();
            }

            _done.Remove(job.Id, out done);
        }

        _observer?.Changed(job);
        done?.TrySetResult(job);
    }

    /// <summary>Forwards a job's phases to its status and the observer.</summary>
    private sealed class JobProgress(RetrainingQueue queue, string model) : IRetrainProgress
    {
        public void RunStarted(string runId)
        {
            var job = queue.Update(model, j => j with { RunId = runId, Message = $"training in run {runId}" });
            queue._observer?.Progress(job, $"run {runId} started");
        }

        public void Report(string text)
        {
            var job = queue.Update(model, j => j with { Message = text });
            queue._observer?.Progress(job, text);
        }
    }
}
