using System.Security.Cryptography;
using System.Threading.Channels;
using Keel.Core.Deployments;

namespace Keel.Core.Monitoring;

/// <summary>
/// Retraining in the background, bounded: one job per model at a time (a second trigger while one
/// is queued or running is coalesced into it and said so), at most
/// <see cref="RetrainingQueueOptions.Capacity"/> jobs waiting, and one training at a time on the
/// host. A job trains through the <see cref="IRetrainer"/> (the workflow behind <c>keel train</c>);
/// the new version gets the alias or stage its pipeline asks for only when its gates passed, and is
/// applied to the canary deployment named by the action — a rollout whose own gates decide — only
/// then. Nothing is ever promoted or deployed past failed gates. Jobs can be read while they run
/// (<see cref="Jobs"/>, <see cref="Get"/>); the observer hears every change.
/// </summary>
public sealed partial class RetrainingQueue : IAsyncDisposable
{
    private readonly IRetrainer _retrainer;
    private readonly IDeploymentOperations _deployments;
    private readonly TimeProvider _time;
    private readonly IRetrainingObserver? _observer;
    private readonly RetrainingQueueOptions _options;
    private readonly Channel<string> _work = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RetrainingJob> _active = new(StringComparer.Ordinal); // by model
    private readonly Dictionary<string, TaskCompletionSource<RetrainingJob>> _done = new(StringComparer.Ordinal); // by job id
    private readonly LinkedList<RetrainingJob> _ended = new();
    private Task? _worker;
    private bool _disposed;

    /// <summary>A queue over a retrainer and the deployment commands.</summary>
    public RetrainingQueue(IRetrainer retrainer, IDeploymentOperations deployments, TimeProvider time, RetrainingQueueOptions? options = null, IRetrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(retrainer);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new RetrainingQueueOptions();
        _options.Validate();
        _retrainer = retrainer;
        _deployments = deployments;
        _time = time;
        _observer = observer;
    }

    /// <summary>
    /// Queues a retraining of the alert's model from the action's pipeline, or coalesces the
    /// trigger into the one queued or running for that model. The outcome's reference is the job id.
    /// </summary>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE for a pipeline that cannot be read or registers another model.</exception>
    public async Task<AlertActionOutcome> EnqueueAsync(Alert alert, AlertAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(action);
        const string kind = AlertActionKinds.Retrain;
        if (string.IsNullOrWhiteSpace(action.Pipeline))
        {
            return new AlertActionOutcome(kind, false, "A retrain action needs a pipeline file.", null);
        }

        if (Coalesce(alert.Model) is { } running)
        {
            return running;
        }

        var pipeline = await _retrainer.CheckAsync(alert.Model, action.Pipeline, cancellationToken).ConfigureAwait(false);
        RetrainingJob job;
        lock (_gate)
        {
            if (CoalesceLocked(alert.Model) is { } joined)
            {
                return joined;
            }

            if (_disposed)
            {
                return new AlertActionOutcome(kind, false, $"Not queued: the host is shutting down; retraining of '{alert.Model}' was not started.", null);
            }

            if (_active.Count >= _options.Capacity)
            {
                return new AlertActionOutcome(kind, false, $"Not queued: {_active.Count} retrainings are already queued or running (the most this host takes); retraining of '{alert.Model}' was not started.", null);
            }

            job = new RetrainingJob
            {
                Id = "retrain-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                Model = alert.Model,
                Pipeline = pipeline,
                Alert = AlertActionRunner.Describe(alert),
                CanaryDeployment = action.CanaryDeployment,
                State = RetrainingStates.Queued,
                QueuedAtMs = Now(),
                Message = "queued",
            };
            _active[job.Model] = job;
            _done[job.Id] = new TaskCompletionSource<RetrainingJob>(TaskCreationOptions.RunContinuationsAsynchronously);
            _work.Writer.TryWrite(job.Id);
            _worker ??= Task.Run(WorkAsync, CancellationToken.None);
        }

        _observer?.Changed(job);
        var canary = job.CanaryDeployment is null ? "register only" : $"a canary rollout on deployment '{job.CanaryDeployment}' if its gates pass";
        return new AlertActionOutcome(kind, true, $"Retraining of '{job.Model}' from {job.Pipeline} queued as job {job.Id} ({canary}); its run id, version and gate verdict are in the job's status and the server log.", job.Id);
    }

    /// <summary>Jobs queued, running and recently ended, newest first; only <paramref name="model"/>'s when given.</summary>
    public IReadOnlyList<RetrainingJob> Jobs(string? model = null)
    {
        lock (_gate)
        {
            return _active.Values.OrderByDescending(j => j.QueuedAtMs).Concat(_ended)
                .Where(j => model is null || j.Model == model)
                .ToList();
        }
    }

    /// <summary>One job, or null when unknown (or ended long ago).</summary>
    public RetrainingJob? Get(string id)
    {
        lock (_gate)
        {
            return _active.Values.FirstOrDefault(j => j.Id == id) ?? _ended.FirstOrDefault(j => j.Id == id);
        }
    }

    /// <summary>Completes when the job has ended, with what it did.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST for a job this queue does not know.</exception>
    public Task<RetrainingJob> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_done.TryGetValue(id, out var pending))
            {
                return pending.Task.WaitAsync(cancellationToken);
            }

            return _ended.FirstOrDefault(j => j.Id == id) is { } ended
                ? Task.FromResult(ended)
                : throw Errors.KeelException.NotFound($"No retraining job '{id}'.");
        }
    }

    /// <summary>Stops the worker; a running training is cancelled (its run ends KILLED).</summary>
    public async ValueTask DisposeAsync()
    {
        Task? worker;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            worker = _worker;
        }

        _work.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);

        if (worker is not null)
        {
            await worker.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private AlertActionOutcome? Coalesce(string model)
    {
        AlertActionOutcome? outcome;
        lock (_gate)
        {
            outcome = CoalesceLocked(model);
        }

        return outcome;
    }

    /// <summary>Joins the model's queued or running job, if there is one (under the lock).</summary>
    private AlertActionOutcome? CoalesceLocked(string model)
    {
        if (!_active.TryGetValue(model, out var job))
        {
            return null;
        }

        job = job with { Triggers = job.Triggers + 1 };
        _active[model] = job;
        _observer?.Coalesced(job);
        var run = job.RunId is null ? string.Empty : $", run {job.RunId}";
        return new AlertActionOutcome(AlertActionKinds.Retrain, true,
            $"Coalesced: retraining of '{model}' is already {job.State} as job {job.Id}{run} from {job.Pipeline}; this trigger joins it ({job.Triggers} triggers), no second retraining was started.",
            job.Id);
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
