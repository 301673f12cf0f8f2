using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

// Failed requests: a request the model failed (its signature refused the inputs, or scoring threw)
// is logged like an answer, with its error code, no outputs and its inputs as the inputs mode says.
// Sampled at the same rate as answers, so the logged error rate estimates the real one. This path
// runs only on failures: the answered path (Record) is unchanged.
public sealed partial class PredictionLogger
{
    private static readonly ModelPrediction[] NoPredictions = [];

    /// <summary>
    /// Logs a request <paramref name="model"/> failed with <paramref name="exception"/> (subject to
    /// sampling and the buffer's bounds); never throws. A request the client abandoned is not logged.
    /// </summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="model">The model that failed.</param>
    /// <param name="rows">The rows it was given.</param>
    /// <param name="exception">What it failed with.</param>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> taken just before scoring.</param>
    /// <param name="deployment">The deployment the request was sent to; null outside a deployment.</param>
    /// <param name="arm">The arm that failed; null outside a deployment.</param>
    /// <returns>Whether the failure was queued.</returns>
    public bool RecordFailure(
        string requestId,
        ServedModel model,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows,
        Exception exception,
        long startTimestamp,
        string? deployment = null,
        string? arm = null)
    {
        var latency = Stopwatch.GetElapsedTime(startTimestamp);
        if (exception is OperationCanceledException || !Admit())
        {
            return false;
        }

        byte[] buffer;
        int inputsLength, length;
        var columns = PredictionLogSerializer.Columns(model);
        try
        {
            buffer = PredictionLogSerializer.Serialize(rows, NoPredictions, columns, _options.InputsMode, out inputsLength, out length);
        }
        catch (Exception e)
        {
            SerializeFailed(e, requestId);
            return false;
        }

        return Enqueue(new PendingPrediction(
            requestId, model, columns, _time.GetUtcNow().ToUnixTimeMilliseconds(), (long)latency.TotalMicroseconds, rows.Count, buffer, inputsLength, length, deployment, arm, ErrorCodeOf(exception)));
    }

    /// <summary>The MLflow-style code a failure is logged with: the <see cref="KeelException"/>'s code, else INTERNAL_ERROR.</summary>
    public static string ErrorCodeOf(Exception exception) =>
        (exception is KeelException keel ? keel.Code : ErrorCode.InternalError).ToWireName();
}
