namespace Keel.Server.Serving;

/// <summary>
/// A request waiting in the buffer: its serialised inputs and outputs in one pooled array, the
/// deployment arm that answered (null outside a deployment) and, for a failed request, its error code.
/// </summary>
internal readonly record struct PendingPrediction(
    string RequestId,
    ServedModel Model,
    string[] Columns,
    long TimestampMs,
    long LatencyMicroseconds,
    int RowCount,
    byte[] Buffer,
    int InputsLength,
    int Length,
    string? Deployment = null,
    string? Arm = null,
    string? ErrorCode = null);
