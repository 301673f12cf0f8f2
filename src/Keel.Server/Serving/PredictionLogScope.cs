using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// The prediction log's hook in a scoring endpoint: <see cref="Start"/> before scoring picks the
/// request id (the client's <c>X-Request-Id</c> header, the Open Inference body <c>id</c>, else a
/// new one), echoes it in the <c>X-Request-Id</c> response header and starts the clock;
/// <see cref="Complete(ServedModel, IReadOnlyList{IReadOnlyDictionary{string, JsonElement}}, IReadOnlyList{ModelPrediction})"/> after scoring hands the request to the <see cref="PredictionLogger"/>
/// (when the host has one). A struct: nothing is allocated beyond a new id when none was given.
/// </summary>
public readonly struct PredictionLogScope
{
    /// <summary>The header that carries the request id both ways.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    private readonly PredictionLogger? _logger;
    private readonly long _started;

    private PredictionLogScope(string requestId, PredictionLogger? logger, long started)
    {
        RequestId = requestId;
        _logger = logger;
        _started = started;
    }

    /// <summary>The request id logged and echoed.</summary>
    public string RequestId { get; }

    /// <summary>Picks the request id, sets the response header and starts timing.</summary>
    /// <param name="context">The request.</param>
    /// <param name="bodyId">An id from the request body (Open Inference <c>id</c>), preferred over the header.</param>
    public static PredictionLogScope Start(HttpContext context, string? bodyId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = Usable(bodyId) ?? Usable(context.Request.Headers[RequestIdHeader].ToString()) ?? NewId();
        context.Response.Headers[RequestIdHeader] = id;
        return new PredictionLogScope(id, context.RequestServices.GetService<PredictionLogger>(), Stopwatch.GetTimestamp());
    }

    /// <summary>Logs the scored request (sampling and buffer permitting); never throws for the log's sake.</summary>
    public void Complete(ServedModel model, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, IReadOnlyList<ModelPrediction> predictions) =>
        _logger?.Record(RequestId, model, rows, predictions, _started);

    /// <summary>Logs a request a deployment arm answered (see <see cref="Complete(ServedModel, IReadOnlyList{IReadOnlyDictionary{string, JsonElement}}, IReadOnlyList{ModelPrediction})"/>).</summary>
    public void Complete(ServedModel model, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, IReadOnlyList<ModelPrediction> predictions, string deployment, string arm) =>
        _logger?.Record(RequestId, model, rows, predictions, _started, deployment, arm);

    /// <summary>
    /// Logs a request <paramref name="model"/> failed while scoring <paramref name="rows"/> (see
    /// <see cref="PredictionLogger.RecordFailure"/>). Returns false, so it fits an exception filter
    /// (<c>catch (Exception e) when (log.Failed(...))</c>) that lets the exception pass untouched.
    /// </summary>
    public bool Failed(ServedModel model, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, Exception exception) =>
        Failed(model, rows, exception, null, null);

    /// <summary>Logs a request a deployment arm failed (see <see cref="Failed(ServedModel, IReadOnlyList{IReadOnlyDictionary{string, JsonElement}}, Exception)"/>); returns false.</summary>
    public bool Failed(ServedModel model, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, Exception exception, string? deployment, string? arm)
    {
        try
        {
            _logger?.RecordFailure(RequestId, model, rows, exception, _started, deployment, arm);
        }
        catch (Exception)
        {
            // Never into the request path: the original failure passes on.
        }

        return false;
    }

    /// <summary>The host's prediction log; null when it has none.</summary>
    internal PredictionLogger? Logger => _logger;

    /// <summary>When scoring started (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Started => _started;

    /// <summary>
    /// A new id: a version 7 UUID as 32 hex digits. Being time-ordered, new ids land at the end of the
    /// store's request-id index instead of at random places (measured: about half the insert cost).
    /// </summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>An id is used as given when it fits the log (1 to 256 characters, no control characters); otherwise a new one is made.</summary>
    private static string? Usable(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > PredictionFeedback.MaxRequestIdLength)
        {
            return null;
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return null;
            }
        }

        return id;
    }
}
