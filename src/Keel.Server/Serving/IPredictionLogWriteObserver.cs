using Keel.Core.Predictions;

namespace Keel.Server.Serving;

/// <summary>
/// Hears of every batch the prediction log wrote to its store, on the log's background writer
/// (never on the request path). Must be quick and must not keep the entries: their bytes go back
/// to the pool when it returns. The monitoring scheduler counts predictions per model with one.
/// </summary>
public interface IPredictionLogWriteObserver
{
    /// <summary>A batch was written.</summary>
    void Written(ReadOnlySpan<PredictionLogEntry> entries);
}
