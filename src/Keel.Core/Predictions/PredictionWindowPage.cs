using System.Buffers;

namespace Keel.Core.Predictions;

/// <summary>
/// A page of <see cref="IPredictionWindowReader.ReadWindowAsync"/>: its rows' fields, and their
/// request ids, inputs and outputs as UTF-8 in one buffer rented from <see cref="ArrayPool{T}.Shared"/>
/// (returned by <see cref="Dispose"/>), and their fields in an array rented from <see cref="ArrayPool{T}.Shared"/>
/// too: a 10,000-row page's fields are about a megabyte, which a fresh array would put on the large
/// object heap once per page (gen-2 collections for the whole server while a pass reads a big window).
/// Filled by a store with <see cref="Add"/> and <see cref="SetLabels"/>.
/// </summary>
public sealed class PredictionWindowPage : IDisposable
{
    private Entry[] _entries;
    private byte[] _bytes;
    private int _used;

    /// <summary>An empty page with room for <paramref name="rows"/> rows of about <paramref name="bytesPerRow"/> bytes each (both grow as needed).</summary>
    public PredictionWindowPage(int rows, int bytesPerRow = 512)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerRow);
        _entries = ArrayPool<Entry>.Shared.Rent(Math.Max(rows, 1));
        _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(rows * bytesPerRow, 1024));
    }

    /// <summary>Rows in the page.</summary>
    public int Count { get; private set; }

    /// <summary>The row at <paramref name="index"/>.</summary>
    public PredictionWindowRow this[int index]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_bytes.Length == 0, this);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return new PredictionWindowRow(in _entries[index], _bytes);
        }
    }

    /// <summary>Appends a row, copying its UTF-8 request id, inputs and outputs into the page's buffer.</summary>
    public void Add(PredictionWindowRowFields fields, ReadOnlySpan<byte> requestIdUtf8, ReadOnlySpan<byte> inputsUtf8, ReadOnlySpan<byte> outputsUtf8)
    {
        ArgumentNullException.ThrowIfNull(fields.ModelVersion);
        ArgumentNullException.ThrowIfNull(fields.InputColumns);
        ObjectDisposedException.ThrowIf(_bytes.Length == 0, this);
        var length = requestIdUtf8.Length + inputsUtf8.Length + outputsUtf8.Length;
        if (_bytes.Length - _used < length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _used + length));
            _bytes.AsSpan(0, _used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }

        if (Count == _entries.Length)
        {
            var more = ArrayPool<Entry>.Shared.Rent(_entries.Length * 2);
            _entries.AsSpan(0, Count).CopyTo(more);
            ArrayPool<Entry>.Shared.Return(_entries, clearArray: true);
            _entries = more;
        }

        var start = _used;
        requestIdUtf8.CopyTo(_bytes.AsSpan(_used));
        _used += requestIdUtf8.Length;
        inputsUtf8.CopyTo(_bytes.AsSpan(_used));
        _used += inputsUtf8.Length;
        outputsUtf8.CopyTo(_bytes.AsSpan(_used));
        _used += outputsUtf8.Length;
        _entries[Count++] = new Entry(fields, start, requestIdUtf8.Length, inputsUtf8.Length, outputsUtf8.Length);
    }

    /// <summary>Sets the merged labels of the row at <paramref name="index"/> (see <see cref="LoggedPrediction.LabelsJson"/>).</summary>
    public void SetLabels(int index, string? labelsJson, long labelledAtMs)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        _entries[index].LabelsJson = labelsJson;
        _entries[index].LabelledAtMs = labelledAtMs;
    }

    /// <summary>Returns the buffer to the pool; the page's rows are gone.</summary>
    public void Dispose()
    {
        if (_bytes.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = [];
            ArrayPool<Entry>.Shared.Return(_entries, clearArray: true); // the fields hold strings: let them go
            _entries = [];
            Count = 0;
        }
    }

    /// <summary>A row's fields and where its bytes are in the buffer.</summary>
    internal struct Entry(PredictionWindowRowFields fields, int start, int requestIdLength, int inputsLength, int outputsLength)
    {
        public readonly string ModelVersion = fields.ModelVersion;
        public readonly string? Deployment = fields.Deployment;
        public readonly string? Arm = fields.Arm;
        public readonly string? ErrorCode = fields.ErrorCode;
        public readonly long TimestampMs = fields.TimestampMs;
        public readonly long LatencyMicroseconds = fields.LatencyMicroseconds;
        public readonly int RowCount = fields.RowCount;
        public readonly IReadOnlyList<string> InputColumns = fields.InputColumns;
        public readonly int Start = start;
        public readonly int RequestIdLength = requestIdLength;
        public readonly int InputsLength = inputsLength;
        public readonly int OutputsLength = outputsLength;
        public string? LabelsJson;
        public long? LabelledAtMs;
    }
}

/// <summary>The fields of a <see cref="PredictionWindowRow"/> other than its bytes and labels.</summary>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Deployment">The deployment; null outside one.</param>
/// <param name="Arm">The arm; null outside a deployment.</param>
/// <param name="ErrorCode">The error code of a failed request; null for an answered one.</param>
/// <param name="TimestampMs">When the prediction was made, Unix milliseconds.</param>
/// <param name="LatencyMicroseconds">Time spent scoring the rows.</param>
/// <param name="RowCount">Rows scored.</param>
/// <param name="InputColumns">The input column names.</param>
public readonly record struct PredictionWindowRowFields(
    string ModelVersion, string? Deployment, string? Arm, string? ErrorCode, long TimestampMs, long LatencyMicroseconds, int RowCount, IReadOnlyList<string> InputColumns);
