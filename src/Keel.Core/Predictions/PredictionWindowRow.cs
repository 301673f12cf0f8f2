namespace Keel.Core.Predictions;

/// <summary>
/// One logged request of a <see cref="PredictionWindowPage"/>: the fields of a
/// <see cref="LoggedPrediction"/>, with the request id, inputs and outputs as UTF-8 bytes in the
/// page's buffer (valid until the page is disposed).
/// </summary>
public readonly ref struct PredictionWindowRow
{
    internal PredictionWindowRow(in PredictionWindowPage.Entry entry, ReadOnlySpan<byte> bytes)
    {
        ModelVersion = entry.ModelVersion;
        Deployment = entry.Deployment;
        Arm = entry.Arm;
        ErrorCode = entry.ErrorCode;
        TimestampMs = entry.TimestampMs;
        LatencyMicroseconds = entry.LatencyMicroseconds;
        RowCount = entry.RowCount;
        InputColumns = entry.InputColumns;
        RequestIdUtf8 = bytes.Slice(entry.Start, entry.RequestIdLength);
        InputsUtf8 = bytes.Slice(entry.Start + entry.RequestIdLength, entry.InputsLength);
        OutputsUtf8 = bytes.Slice(entry.Start + entry.RequestIdLength + entry.InputsLength, entry.OutputsLength);
        LabelsJson = entry.LabelsJson;
        LabelledAtMs = entry.LabelledAtMs;
    }

    /// <summary>The version that answered.</summary>
    public string ModelVersion { get; }

    /// <summary>The deployment; null outside one.</summary>
    public string? Deployment { get; }

    /// <summary>The arm; null outside a deployment.</summary>
    public string? Arm { get; }

    /// <summary>The error code of a failed request; null for an answered one.</summary>
    public string? ErrorCode { get; }

    /// <summary>When the prediction was made, Unix milliseconds.</summary>
    public long TimestampMs { get; }

    /// <summary>Time spent scoring the rows.</summary>
    public long LatencyMicroseconds { get; }

    /// <summary>Rows scored.</summary>
    public int RowCount { get; }

    /// <summary>The input column names (one list shared by the rows that logged the same names).</summary>
    public IReadOnlyList<string> InputColumns { get; }

    /// <summary>The request id, UTF-8.</summary>
    public ReadOnlySpan<byte> RequestIdUtf8 { get; }

    /// <summary>The inputs as UTF-8 JSON (see <see cref="PredictionLogRecord.InputsJson"/>).</summary>
    public ReadOnlySpan<byte> InputsUtf8 { get; }

    /// <summary>The outputs as UTF-8 JSON (see <see cref="PredictionLogRecord.OutputsJson"/>).</summary>
    public ReadOnlySpan<byte> OutputsUtf8 { get; }

    /// <summary>The labels sent for the request, merged (see <see cref="LoggedPrediction.LabelsJson"/>); null without feedback.</summary>
    public string? LabelsJson { get; }

    /// <summary>When the latest feedback arrived; null without feedback.</summary>
    public long? LabelledAtMs { get; }
}
