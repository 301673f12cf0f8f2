using System.Text;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Predictions;
using Keel.Data;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// Collects a window of the prediction log into columns: each record's inputs (a JSON array of rows,
/// one value per <see cref="PredictionLogRecord.InputColumns"/> entry) and outputs are read with
/// <see cref="Utf8JsonReader"/> straight into per-column arrays, numbers as doubles and labels
/// interned, so a pass over a million rows allocates little beyond the columns themselves.
/// </summary>
/// <remarks>
/// Values are typed by the version's signature: a numeric input takes JSON numbers and numeric
/// strings (<see cref="CellParsing"/>), anything else is missing; a label input takes strings, and
/// numbers and booleans as their JSON text. Records logged without inputs (hash or none mode) count
/// their outputs only; a record whose JSON is malformed is skipped whole and counted.
/// </remarks>
public sealed partial class PredictionWindowBuilder
{
    private readonly ModelSignature _signature;
    private readonly ColumnSpec[] _inputs;
    private readonly ColumnKind[] _kinds;
    private readonly Dictionary<string, int> _indexOf;
    private readonly NumberBuffer?[] _numbers;
    private readonly LabelBuffer?[] _labels;
    private readonly bool _regression;
    private readonly NumberBuffer _predictedValues;
    private readonly LabelBuffer _predictedLabels;
    private readonly NumberBuffer _probabilities;
    private readonly LabelInterner _interner = new();
    private IReadOnlyList<string>? _lastColumns;
    private int[] _map = [];
    private byte[] _utf8 = new byte[4096];

    /// <summary>Creates a builder for a version's signature.</summary>
    /// <param name="signature">The version's signature: which inputs are kept, and how they are typed.</param>
    /// <param name="capacity">Rows to make room for at once (0: grow as needed); a window's size known beforehand saves the copies of growing.</param>
    public PredictionWindowBuilder(ModelSignature signature, int capacity = 0)
    {
        ArgumentNullException.ThrowIfNull(signature);
        _signature = signature;
        _inputs = [.. signature.Inputs];
        _kinds = _inputs.Select(c => ColumnKinds.Of(c.Type)).ToArray();
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _inputs.Length; i++)
        {
            _indexOf[_inputs[i].Name] = i;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _numbers = _kinds.Select(k => k == ColumnKind.Numeric ? new NumberBuffer(capacity) : null).ToArray();
        _labels = _kinds.Select(k => k == ColumnKind.Numeric ? null : new LabelBuffer(capacity)).ToArray();
        _regression = signature.Outputs.Count == 1 && ColumnKinds.Of(signature.Outputs[0].Type) == ColumnKind.Numeric;
        _predictedValues = new NumberBuffer(_regression ? capacity : 0);
        _predictedLabels = new LabelBuffer(_regression ? 0 : capacity);
        _probabilities = new NumberBuffer(_regression ? 0 : capacity);
    }

    /// <summary>Records read.</summary>
    public long Requests { get; private set; }

    /// <summary>Whether compact requests are scanned by the fast path (tests turn it off to compare both paths).</summary>
    /// <value>true.</value>
    internal bool FastPath { get; init; } = true;

    /// <summary>Requests whose inputs the fast path read (for tests: it must not silently always give up).</summary>
    internal long FastInputs { get; private set; }

    /// <summary>Records logged without input values (hash or none mode).</summary>
    public long RequestsWithoutInputs { get; private set; }

    /// <summary>Records skipped because their JSON was malformed.</summary>
    public long MalformedRequests { get; private set; }

    /// <summary>Input rows collected (when sampling: counted, of which only the sample is kept).</summary>
    public int InputRows
    {
        get => _sample is null ? _parsedRows : checked((int)_sample.Rows);
        private set => _parsedRows = value;
    }

    /// <summary>Predictions collected.</summary>
    public int PredictionRows => _regression ? _predictedValues.Count : _predictedLabels.Count;

    /// <summary>Adds a record read back from the store (its JSON text transcoded to UTF-8 in a reused buffer).</summary>
    public void Add(PredictionLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var inputBytes = Transcode(record.InputsJson, 0);
        var outputStart = inputBytes;
        var outputBytes = Transcode(record.OutputsJson, outputStart);
        Add(_utf8.AsSpan(0, inputBytes), _utf8.AsSpan(outputStart, outputBytes), record.InputColumns);
    }

    /// <summary>Adds an entry as the server's writer holds it (UTF-8 already).</summary>
    public void Add(in PredictionLogEntry entry) => Add(entry.InputsUtf8.Span, entry.OutputsUtf8.Span, entry.InputColumns);

    /// <summary>Adds one request's inputs and outputs.</summary>
    public void Add(ReadOnlySpan<byte> inputsUtf8, ReadOnlySpan<byte> outputsUtf8, IReadOnlyList<string> inputColumns)
    {
        ArgumentNullException.ThrowIfNull(inputColumns);
        if (_sample is not null)
        {
            AddSampled(inputsUtf8, outputsUtf8, inputColumns);
            return;
        }

        Requests++;
        var inputStart = InputRows;
        var outputStart = PredictionRows;
        try
        {
            var map = Map(inputColumns);
            var fast = FastPath && !inputsUtf8.IsEmpty ? TryReadInputsFast(inputsUtf8, map) : null;
            if (fast is not null)
            {
                FastInputs++;
            }

            var withInputs = !inputsUtf8.IsEmpty && (fast ?? ReadInputs(inputsUtf8, map));
            if (!withInputs)
            {
                RequestsWithoutInputs++;
            }

            if (!outputsUtf8.IsEmpty && !(FastPath && TryReadOutputsFast(outputsUtf8)))
            {
                ReadOutputs(outputsUtf8);
            }
        }
        catch (JsonException)
        {
            MalformedRequests++;
            Truncate(inputStart, outputStart);
        }
    }

    /// <summary>The collected window: input columns in signature order, and the prediction columns.</summary>
    public PredictionWindow Build() => Build([this]);

    /// <summary>
    /// One window of the rows several builders of the same signature collected (each read a part
    /// of the log, e.g. on its own core), in the order of <paramref name="parts"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No parts, or parts of different signatures.</exception>
    public static PredictionWindow Build(IReadOnlyList<PredictionWindowBuilder> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("At least one builder.", nameof(parts));
        }

        var first = parts[0];
        if (parts.Any(p => p._inputs.Length != first._inputs.Length || p._regression != first._regression || !p._inputs.SequenceEqual(first._inputs)))
        {
            throw new ArgumentException("The builders were made for different signatures.", nameof(parts));
        }

        var inputs = SampledInputs(parts, out var counted) ?? InputColumns(parts);
        DataColumn[] predictions = first._regression
            ? [DataColumn.Numeric(ReferenceSampleFiles.PredictionColumn, Buffers.Concat(parts.Select(p => p._predictedValues)))]
            : [DataColumn.Labels(ReferenceSampleFiles.PredictionColumn, Buffers.Concat(parts.Select(p => p._predictedLabels))), DataColumn.Numeric(ReferenceSampleFiles.ProbabilityColumn, Buffers.Concat(parts.Select(p => p._probabilities))), .. ClassProbabilityColumns(parts)];
        return new PredictionWindow(inputs, predictions, parts.Sum(p => p.Requests), parts.Sum(p => p.RequestsWithoutInputs), parts.Sum(p => p.MalformedRequests))
        {
            // A sample of every row (a window under the cap) is every row, in log order: not marked.
            LoggedInputRows = inputs.Length > 0 && counted > inputs[0].Length ? checked((int)counted) : null,
        };
    }

    /// <summary>The input columns of <paramref name="parts"/> joined, in signature order.</summary>
    private static DataColumn[] InputColumns(IReadOnlyList<PredictionWindowBuilder> parts)
    {
        var first = parts[0];
        var inputs = new DataColumn[first._inputs.Length];
        for (var c = 0; c < inputs.Length; c++)
        {
            var spec = first._inputs[c];
            inputs[c] = first._kinds[c] switch
            {
                ColumnKind.Numeric => DataColumn.Numeric(spec.Name, Buffers.Concat(parts.Select(p => p._numbers[c]!)), spec.Type),
                ColumnKind.DateTime => DataColumn.DateTime(spec.Name, Times(Buffers.Concat(parts.Select(p => p._labels[c]!)))),
                _ => DataColumn.Text(spec.Name, Buffers.Concat(parts.Select(p => p._labels[c]!)), spec.Type),
            };
        }

        return inputs;
    }

    private int Transcode(string text, int offset)
    {
        var needed = offset + Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < needed)
        {
            Array.Resize(ref _utf8, Math.Max(needed, _utf8.Length * 2));
        }

        return Encoding.UTF8.GetBytes(text, _utf8.AsSpan(offset));
    }

    /// <summary>Where each logged column goes (-1: not a signature input); cached for the list every record of a model shares.</summary>
    private int[] Map(IReadOnlyList<string> columns)
    {
        if (ReferenceEquals(columns, _lastColumns))
        {
            return _map;
        }

        var same = _lastColumns is not null && _lastColumns.Count == columns.Count;
        for (var i = 0; same && i < columns.Count; i++)
        {
            same = string.Equals(columns[i], _lastColumns![i], StringComparison.Ordinal);
        }

        if (!same)
        {
            // A name logged twice feeds its column once (the first), so rows stay aligned.
            _map = new int[columns.Count];
            var taken = new bool[_inputs.Length];
            for (var i = 0; i < columns.Count; i++)
            {
                _map[i] = _indexOf.TryGetValue(columns[i], out var index) && !taken[index] ? index : -1;
                if (_map[i] >= 0)
                {
                    taken[index] = true;
                }
            }
        }

        _lastColumns = columns;
        return _map;
    }

    private void Truncate(int inputRows, int predictionRows)
    {
        _parsedRows = inputRows;
        for (var c = 0; c < _inputs.Length; c++)
        {
            _numbers[c]?.Truncate(inputRows);
            _labels[c]?.Truncate(inputRows);
        }

        TruncatePredictions(predictionRows);
    }

    private void TruncatePredictions(int predictionRows)
    {
        _predictedValues.Truncate(predictionRows);
        _predictedLabels.Truncate(predictionRows);
        _probabilities.Truncate(predictionRows);
        TruncateClassProbabilities(predictionRows);
    }

    private static DateTime?[] Times(string?[] texts)
    {
        var times = new DateTime?[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            times[i] = CellParsing.TryTime(texts[i], out var time) ? time : null;
        }

        return times;
    }
}

/// <summary>A window of the prediction log as columns.</summary>
/// <param name="Inputs">The input columns in signature order (empty columns when no record carried inputs).</param>
/// <param name="Predictions"><c>prediction</c>, and <c>probability</c> for classifiers.</param>
/// <param name="Requests">Records read.</param>
/// <param name="RequestsWithoutInputs">Records logged without input values.</param>
/// <param name="MalformedRequests">Records skipped for malformed JSON.</param>
public sealed record PredictionWindow(IReadOnlyList<DataColumn> Inputs, IReadOnlyList<DataColumn> Predictions, long Requests, long RequestsWithoutInputs, long MalformedRequests)
{
    /// <summary>
    /// The window's input rows when <see cref="Inputs"/> hold a sample of them, drawn while the log
    /// was read (<see cref="RowSample"/>'s rule; only those rows were parsed); null when they hold
    /// every row.
    /// </summary>
    public int? LoggedInputRows { get; init; }

    /// <summary>Input rows of the window (all of them, also when <see cref="Inputs"/> hold a sample).</summary>
    public int InputRows => LoggedInputRows ?? (Inputs.Count == 0 ? 0 : Inputs[0].Length);

    /// <summary>Predictions.</summary>
    public int PredictionRows => Predictions[0].Length;
}
