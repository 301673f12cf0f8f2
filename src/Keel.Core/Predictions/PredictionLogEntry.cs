namespace Keel.Core.Predictions;

/// <summary>
/// One served request on its way into the prediction log: the fields of a
/// <see cref="PredictionLogRecord"/> with the inputs and outputs already as UTF-8 JSON, so the
/// writer hands the bytes the request produced to the store without turning them into strings.
/// </summary>
/// <param name="RequestId">The request id.</param>
/// <param name="ModelName">The name the model is served under.</param>
/// <param name="ModelVersion">The served model version.</param>
/// <param name="TimestampMs">When the prediction was made, Unix milliseconds (UTC).</param>
/// <param name="LatencyMicroseconds">Time spent scoring the rows.</param>
/// <param name="RowCount">Rows scored.</param>
/// <param name="InputColumns">The input column names; one list shared by every entry of a model.</param>
/// <param name="InputsUtf8">The inputs as UTF-8 JSON (see <see cref="PredictionLogRecord.InputsJson"/> and <see cref="PredictionInputsMode"/>).</param>
/// <param name="OutputsUtf8">The outputs as UTF-8 JSON (see <see cref="PredictionLogRecord.OutputsJson"/>).</param>
public readonly record struct PredictionLogEntry(
    string RequestId,
    string ModelName,
    string ModelVersion,
    long TimestampMs,
    long LatencyMicroseconds,
    int RowCount,
    IReadOnlyList<string> InputColumns,
    ReadOnlyMemory<byte> InputsUtf8,
    ReadOnlyMemory<byte> OutputsUtf8)
{
    /// <summary>The deployment the request was sent to; null outside a deployment.</summary>
    public string? Deployment { get; init; }

    /// <summary>The arm that answered (<see cref="DeploymentArms"/>); null outside a deployment.</summary>
    public string? Arm { get; init; }

    /// <summary>
    /// The MLflow-style error code of a failed request (see <see cref="PredictionLogRecord.ErrorCode"/>);
    /// null for an answered request.
    /// </summary>
    public string? ErrorCode { get; init; }

    /// <summary>The entry of a record (its JSON encoded to UTF-8).</summary>
    public static PredictionLogEntry From(PredictionLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(
            record.RequestId,
            record.ModelName,
            record.ModelVersion,
            record.TimestampMs,
            record.LatencyMicroseconds,
            record.RowCount,
            record.InputColumns,
            System.Text.Encoding.UTF8.GetBytes(record.InputsJson),
            System.Text.Encoding.UTF8.GetBytes(record.OutputsJson))
        {
            Deployment = record.Deployment,
            Arm = record.Arm,
            ErrorCode = record.ErrorCode,
        };
    }
}
