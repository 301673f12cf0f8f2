using System.Buffers;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.ML.Packaging;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Hands every arm answer (or failure) to the registered <see cref="IDeploymentObserver"/>s, with
/// the rows and predictions serialised as the prediction log keeps them. Observers never throw
/// into the request path: one that does is logged and skipped. Nothing is serialised when no
/// observer is registered.
/// </summary>
internal sealed class DeploymentAnswerRecorder(IEnumerable<IDeploymentObserver> observers, TimeProvider time, ILogger<DeploymentAnswerRecorder> logger)
{
    private readonly IDeploymentObserver[] _observers = observers.ToArray();

    /// <summary>Whether anything observes the request path.</summary>
    public bool Observed => _observers.Length > 0;

    /// <summary>An arm answered <paramref name="rows"/> with <paramref name="predictions"/> in <paramref name="latencyMicroseconds"/>.</summary>
    public void Answered(
        string deployment, string arm, ServedModel model, string requestId,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, IReadOnlyList<ModelPrediction> predictions, long latencyMicroseconds) =>
        Observe(deployment, arm, model, requestId, rows, predictions, latencyMicroseconds, failed: false);

    /// <summary>An arm failed to answer <paramref name="rows"/> (a scoring error, not a refused request).</summary>
    public void Failed(string deployment, string arm, ServedModel model, string requestId, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, long latencyMicroseconds) =>
        Observe(deployment, arm, model, requestId, rows, [], latencyMicroseconds, failed: true);

    private void Observe(
        string deployment, string arm, ServedModel model, string requestId,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, IReadOnlyList<ModelPrediction> predictions, long latencyMicroseconds, bool failed)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var columns = PredictionLogSerializer.Columns(model);
        byte[]? buffer = null;
        try
        {
            buffer = PredictionLogSerializer.Serialize(rows, predictions, columns, PredictionInputsMode.Full, out var inputsLength, out var length);
            var observation = new DeploymentObservation(
                deployment,
                arm,
                model.Version,
                requestId,
                time.GetUtcNow().ToUnixTimeMilliseconds(),
                latencyMicroseconds,
                failed,
                rows.Count,
                columns,
                buffer.AsMemory(0, inputsLength),
                failed ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(inputsLength, length - inputsLength));
            foreach (var observer in _observers)
            {
                try
                {
                    observer.Observe(in observation);
                }
                catch (Exception e)
                {
                    RoutingLog.ObserverFailed(logger, e, deployment);
                }
            }
        }
        catch (Exception e)
        {
            // Rows that cannot be serialised are not observed; the request itself is not affected.
            RoutingLog.ObserverFailed(logger, e, deployment);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
