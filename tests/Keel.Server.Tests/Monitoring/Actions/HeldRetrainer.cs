using Keel.Core.Monitoring;

namespace Keel.Server.Tests.Monitoring.Actions;

/// <summary>The server's real retrainer, held at the start of training until <see cref="Release"/>, so a test can act while a retraining is under way.</summary>
internal sealed class HeldRetrainer(IRetrainer inner) : IRetrainer
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a training has begun (and is held).</summary>
    public Task Started => _started.Task;

    public void Release() => _release.TrySetResult();

    public Task<string> CheckAsync(string model, string pipeline, CancellationToken cancellationToken = default) => inner.CheckAsync(model, pipeline, cancellationToken);

    public async Task<RetrainResult> TrainAsync(RetrainRequest request, IRetrainProgress progress, CancellationToken cancellationToken = default)
    {
        _started.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        return await inner.TrainAsync(request, progress, cancellationToken);
    }
}
