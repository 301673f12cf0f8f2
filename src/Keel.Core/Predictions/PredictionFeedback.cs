using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Validation;

namespace Keel.Core.Predictions;

/// <summary>
/// Ground truth for a logged request: either one label per row of the request (<see cref="RowIndex"/>
/// null), or one label for the row at <see cref="RowIndex"/>.
/// </summary>
/// <param name="RequestId">The request the labels are for.</param>
/// <param name="LabelsJson">A JSON array of labels (any JSON values): one per row, or exactly one with <see cref="RowIndex"/>.</param>
/// <param name="LabelCount">The length of <see cref="LabelsJson"/>.</param>
/// <param name="RowIndex">The row the one label is for (0-based), or null for labels of every row.</param>
/// <param name="TimestampMs">When the feedback arrived, Unix milliseconds.</param>
public sealed record PredictionFeedback(string RequestId, string LabelsJson, int LabelCount, int? RowIndex, long TimestampMs)
{
    /// <summary>Longest request id accepted (ids come from clients' headers).</summary>
    public const int MaxRequestIdLength = 256;

    /// <summary>Feedback with one label per row of the request.</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="labels">A JSON array of labels, one per row.</param>
    /// <param name="timestampMs">When it arrived (Unix ms).</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the id is empty or too long, or <paramref name="labels"/> is not a non-empty array.</exception>
    /// <param name="limits">The label length limit; null for the defaults.</param>
    public static PredictionFeedback ForRows(string requestId, JsonElement labels, long timestampMs, InputLimits? limits = null)
    {
        CheckRequestId(requestId);
        if (labels.ValueKind != JsonValueKind.Array || labels.GetArrayLength() == 0)
        {
            throw KeelException.InvalidParameter("labels: must be a non-empty JSON array with one label per row of the request.");
        }

        var i = 0;
        foreach (var label in labels.EnumerateArray())
        {
            CheckLabel(label, $"labels[{i++}]", limits);
        }

        return new PredictionFeedback(requestId, labels.GetRawText(), labels.GetArrayLength(), null, timestampMs);
    }

    /// <summary>Feedback with the label of one row (row 0 for a single-row request).</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="label">The label (any JSON value but an array or null).</param>
    /// <param name="rowIndex">The row (0-based).</param>
    /// <param name="timestampMs">When it arrived (Unix ms).</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for an empty id, a negative row, or a null or array label.</exception>
    /// <param name="limits">The label length limit; null for the defaults.</param>
    public static PredictionFeedback ForRow(string requestId, JsonElement label, int rowIndex, long timestampMs, InputLimits? limits = null)
    {
        CheckRequestId(requestId);
        CheckLabel(label, "label", limits);
        if (label.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter("label: must be a JSON string, number, boolean or object (use 'labels' for one label per row).");
        }

        if (rowIndex < 0)
        {
            throw KeelException.InvalidParameter("row_index: must be 0 or more.");
        }

        return new PredictionFeedback(requestId, "[" + label.GetRawText() + "]", 1, rowIndex, timestampMs);
    }

    /// <summary>
    /// The RESOURCE_DOES_NOT_EXIST answer for a request id no logged prediction has (or, with auth on,
    /// one the caller may not read: the same answer, so it does not tell them the id exists).
    /// </summary>
    public static KeelException UnknownRequest(string requestId) =>
        KeelException.NotFound($"No logged prediction has request id '{requestId}' (failed requests take no feedback).");

    /// <summary>Refuses an empty, too long or multi-line request id.</summary>
    public static void CheckRequestId(string? requestId)
    {
        if (string.IsNullOrWhiteSpace(requestId) || requestId.Length > MaxRequestIdLength || requestId.Any(char.IsControl))
        {
            throw KeelException.InvalidParameter($"request_id: must be 1 to {MaxRequestIdLength} characters without control characters.");
        }

        TextValidator.Unicode(requestId, "request_id");
    }

    // A label is stored as JSON text and sent back on every read of its request: valid Unicode, bounded.
    private static void CheckLabel(JsonElement label, string field, InputLimits? limits)
    {
        limits ??= InputLimits.Default;
        JsonText.CheckStrings(label, field);
        var length = label.GetRawText().Length;
        if (length > limits.MaxFeedbackLabelLength)
        {
            throw KeelException.InvalidParameter($"'{field}' had length {length} (as JSON), which exceeded length limit of {limits.MaxFeedbackLabelLength} (setting {InputLimits.Setting(nameof(InputLimits.MaxFeedbackLabelLength))}).");
        }
    }

    /// <summary>
    /// Checks this feedback against the request it is for: a label per row needs exactly
    /// <paramref name="rowCount"/> labels; one row's label needs a row index below it.
    /// </summary>
    public void CheckAgainst(int rowCount)
    {
        if (RowIndex is null && LabelCount != rowCount)
        {
            throw KeelException.InvalidParameter($"labels: request '{RequestId}' has {rowCount} row{(rowCount == 1 ? string.Empty : "s")}, got {LabelCount} label{(LabelCount == 1 ? string.Empty : "s")}.");
        }

        if (RowIndex is { } row && row >= rowCount)
        {
            throw KeelException.InvalidParameter($"row_index: request '{RequestId}' has {rowCount} row{(rowCount == 1 ? string.Empty : "s")}, got row {row}.");
        }
    }
}
