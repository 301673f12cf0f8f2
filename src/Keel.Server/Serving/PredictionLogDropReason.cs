namespace Keel.Server.Serving;

/// <summary>Why a request was not logged.</summary>
public enum PredictionLogDropReason
{
    /// <summary>The buffer held <see cref="PredictionLogOptions.Capacity"/> requests (metric label <c>queue_full</c>).</summary>
    QueueFull,

    /// <summary>The buffer held <see cref="PredictionLogOptions.MaxBufferBytes"/> bytes (metric label <c>queue_bytes</c>).</summary>
    QueueBytes,

    /// <summary>The logger was stopping (metric label <c>stopped</c>).</summary>
    Stopped,
}
