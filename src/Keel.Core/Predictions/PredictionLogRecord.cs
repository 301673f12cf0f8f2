namespace Keel.Core.Predictions;

/// <summary>
/// One served request as the prediction log keeps it: which model answered, when, how fast, and
/// what went in and came out. One record holds every row of the request.
/// </summary>
/// <param name="RequestId">The request id (the client's <c>X-Request-Id</c> or Open Inference <c>id</c>, else one Keel made up).</param>
/// <param name="ModelName">The name the model is served under.</param>
/// <param name="ModelVersion">The served model version.</param>
/// <param name="TimestampMs">When the prediction was made, Unix milliseconds (UTC).</param>
/// <param name="LatencyMicroseconds">Time spent scoring the rows (parsing and answering excluded).</param>
/// <param name="RowCount">Rows scored.</param>
/// <param name="InputColumns">The input column names (the model's signature order); one list shared by every record of a model.</param>
/// <param name="InputsJson">The rows as a JSON array of arrays, one value per <paramref name="InputColumns"/> entry (MLflow's <c>dataframe_split</c> <c>data</c>): compact to write and store.</param>
/// <param name="OutputsJson">The predictions as a JSON array, one per row, as MLflow's <c>predictions</c>: a number (regression) or <c>{"predicted_label", "probability"}</c>.</param>
public sealed record PredictionLogRecord(
    string RequestId,
    string ModelName,
    string ModelVersion,
    long TimestampMs,
    long LatencyMicroseconds,
    int RowCount,
    IReadOnlyList<string> InputColumns,
    string InputsJson,
    string OutputsJson)
{
    /// <summary>The deployment the request was sent to; null for a request to a served model outside any deployment.</summary>
    public string? Deployment { get; init; }

    /// <summary>The deployment arm that answered: <see cref="DeploymentArms.Stable"/>, <see cref="DeploymentArms.Candidate"/> or <see cref="DeploymentArms.Shadow"/>; null outside a deployment.</summary>
    public string? Arm { get; init; }

    /// <summary>
    /// The MLflow-style error code (<c>INVALID_PARAMETER_VALUE</c>, <c>INTERNAL_ERROR</c> ...) of a
    /// request the model failed: its inputs were refused by the model's signature or scoring threw.
    /// Null for an answered request. A failed request's <see cref="OutputsJson"/> is an empty array;
    /// its inputs are kept as <see cref="PredictionInputsMode"/> says (see docs/serving.md).
    /// </summary>
    public string? ErrorCode { get; init; }

    /// <summary>Whether the request failed (<see cref="ErrorCode"/> is set).</summary>
    public bool Failed => ErrorCode is not null;
}

/// <summary>A logged prediction read back, with the ground truth sent for it so far.</summary>
/// <param name="Record">The logged prediction.</param>
/// <param name="LabelsJson">
/// A JSON array with one label per row (null where no label arrived yet), the latest feedback for each
/// row winning; null when no feedback arrived for the request at all.
/// </param>
/// <param name="LabelledAtMs">When the latest feedback for the request arrived (Unix ms); null without feedback.</param>
public sealed record LoggedPrediction(PredictionLogRecord Record, string? LabelsJson, long? LabelledAtMs);
