namespace Keel.Monitoring.Deployments;

/// <summary>One request an arm answered or failed, as a window keeps it.</summary>
/// <param name="TimestampMs">When the arm answered, Unix milliseconds.</param>
/// <param name="LatencyMicroseconds">Time the arm spent scoring.</param>
/// <param name="Failed">Whether the arm failed to answer.</param>
/// <param name="RowCount">Rows in the request.</param>
/// <param name="Version">The model version of the arm.</param>
public readonly record struct WindowRequest(long TimestampMs, long LatencyMicroseconds, bool Failed, int RowCount, string Version);

/// <summary>One row's prediction: a score (regression value, or a classifier's probability) and, for classifiers, a label.</summary>
/// <param name="TimestampMs">When the arm answered, Unix milliseconds.</param>
/// <param name="Version">The model version of the arm.</param>
/// <param name="Score">The regression value or the classifier's probability; NaN when absent.</param>
/// <param name="Label">The classifier's predicted label; null for regression.</param>
public readonly record struct WindowPrediction(long TimestampMs, string Version, double Score, string? Label);

/// <summary>One sampled input row, still as the compact JSON array the prediction log keeps.</summary>
/// <param name="TimestampMs">When the arm answered, Unix milliseconds.</param>
/// <param name="Version">The model version of the arm.</param>
/// <param name="Columns">The column names, in the row's order.</param>
/// <param name="RowUtf8">The row: a JSON array with one value per column.</param>
public sealed record WindowInputRow(long TimestampMs, string Version, IReadOnlyList<string> Columns, ReadOnlyMemory<byte> RowUtf8);

/// <summary>What a window holds of one arm over a time range.</summary>
/// <param name="Requests">Requests, oldest first.</param>
/// <param name="Predictions">Predictions, oldest first.</param>
/// <param name="Inputs">Sampled input rows, oldest first.</param>
/// <param name="Truncated">True when the window had already dropped entries from the range (the window is a bounded ring).</param>
public sealed record ArmWindowSnapshot(
    IReadOnlyList<WindowRequest> Requests,
    IReadOnlyList<WindowPrediction> Predictions,
    IReadOnlyList<WindowInputRow> Inputs,
    bool Truncated)
{
    /// <summary>A window with nothing in it.</summary>
    public static ArmWindowSnapshot Empty { get; } = new([], [], [], false);
}
