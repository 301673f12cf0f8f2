using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.ML.Packaging;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Hands every arm answer (or failure) to the prediction log and to the registered
/// <see cref="IDeploymentObserver"/>s, with the rows and predictions serialised as the prediction
/// log keeps them. When the log keeps full inputs the request is serialised once, and the same
/// bytes go to the observers and then to the log (which takes the array); otherwise each gets its
/// own. Observers never throw into the request path: one that does is logged and skipped. Nothing
/// is serialised for observers when none is registered.
/// </summary>
internal sealed class DeploymentAnswerRecorder(IEnumerable<IDeploymentObserver> observers, TimeProvider time, ILogger<DeploymentAnswerRecorder> logger)
{
    private readonly IDeploymentObserver[] _observers = observers.ToArray();

    /// <summary>Whether anything observes the request path.</summary>
    public bool Observed => _observers.Length > 0;

    /// <summary>
    /// An arm answered <paramref name="rows"/> with <paramref name="predictions"/> in
    /// <paramref name="latencyMicroseconds"/>: logged in <paramref name="log"/> (null: no log;
    /// its latency from <paramref name="logStart"/>, a <see cref="Stopwatch.GetTimestamp"/>) and observed.
    /// </summary>
    public void Answered(
        PredictionLogger? log, long logStart, string deployment, string arm, ServedModel model, string requestId,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, IReadOnlyList<ModelPrediction> predictions, long latencyMicroseconds)
    {
        if (_observers.Length == 0 || log is null || log.Options.InputsMode != PredictionInputsMode.Full)
        {
            log?.Record(requestId, model, rows, predictions, logStart, deployment, arm);
            Observe(deployment, arm, model, requestId, rows, predictions, latencyMicroseconds, failed: false);
            return;
        }

        var logLatency = (long)Stopwatch.GetElapsedTime(logStart).TotalMicroseconds;
        var logged = log.Admit();
        var columns = PredictionLogSerializer.Columns(model);
        byte[] buffer;
        int inputsLength, length;
        try
        {
            buffer = PredictionLogSerializer.Serialize(rows, predictions, columns, PredictionInputsMode.Full, out inputsLength, out length, PredictionLogSerializer.Classes(model));
        }
        catch (Exception e)
        {
            // Rows that cannot be serialised are neither logged (counted as the log's failure) nor observed.
            if (logged)
            {
                log.SerializeFailed(e, requestId);
            }

            RoutingLog.ObserverFailed(logger, e, deployment);
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            Notify(new DeploymentObservation(
                deployment, arm, model.Version, requestId, now, latencyMicroseconds, Failed: false, rows.Count, columns,
                buffer.AsMemory(0, inputsLength), buffer.AsMemory(inputsLength, length - inputsLength)));
        }
        finally
        {
            if (logged)
            {
                // The log owns the array from here (returned once written, or at once when a bound refuses it).
                log.Enqueue(new PendingPrediction(requestId, model, columns, now, logLatency, rows.Count, buffer, inputsLength, length, deployment, arm));
            }
            else
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

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
            buffer = PredictionLogSerializer.Serialize(rows, predictions, columns, PredictionInputsMode.Full, out var inputsLength, out var length, PredictionLogSerializer.Classes(model));
            Notify(new DeploymentObservation(
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
                failed ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(inputsLength, length - inputsLength)));
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

    /// <summary>Calls every observer; one that throws is logged and skipped.</summary>
    private void Notify(in DeploymentObservation observation)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.Observe(in observation);
            }
            catch (Exception e)
            {
                RoutingLog.ObserverFailed(logger, e, observation.Deployment);
            }
        }
    }
}
