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
    private readonly ColumnSpec[] _inputs;
    private readonly ColumnKind[] _kinds;
    private readonly Dictionary<string, int> _indexOf;
    private readonly NumberBuffer?[] _numbers;
    private readonly LabelBuffer?[] _labels;
    private readonly bool _regression;
    private readonly NumberBuffer _predictedValues = new();
    private readonly LabelBuffer _predictedLabels = new();
    private readonly NumberBuffer _probabilities = new();
    private readonly LabelInterner _interner = new();
    private IReadOnlyList<string>? _lastColumns;
    private int[] _map = [];
    private byte[] _utf8 = new byte[4096];

    /// <summary>Creates a builder for a version's signature.</summary>
    public PredictionWindowBuilder(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        _inputs = [.. signature.Inputs];
        _kinds = _inputs.Select(c => ColumnKinds.Of(c.Type)).ToArray();
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _inputs.Length; i++)
        {
            _indexOf[_inputs[i].Name] = i;
        }

        _numbers = _kinds.Select(k => k == ColumnKind.Numeric ? new NumberBuffer() : null).ToArray();
        _labels = _kinds.Select(k => k == ColumnKind.Numeric ? null : new LabelBuffer()).ToArray();
        _regression = signature.Outputs.Count == 1 && ColumnKinds.Of(signature.Outputs[0].Type) == ColumnKind.Numeric;
    }

    /// <summary>Records read.</summary>
    public long Requests { get; private set; }

    /// <summary>Records logged without input values (hash or none mode).</summary>
    public long RequestsWithoutInputs { get; private set; }

    /// <summary>Records skipped because their JSON was malformed.</summary>
    public long MalformedRequests { get; private set; }

    /// <summary>Input rows collected.</summary>
    public int InputRows { get; private set; }

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
        Requests++;
        var inputStart = InputRows;
        var outputStart = PredictionRows;
        try
        {
            if (!ReadInputs(inputsUtf8, Map(inputColumns)))
            {
                RequestsWithoutInputs++;
            }

            ReadOutputs(outputsUtf8);
        }
        catch (JsonException)
        {
            MalformedRequests++;
            Truncate(inputStart, outputStart);
        }
    }

    /// <summary>The collected window: input columns in signature order, and the prediction columns.</summary>
    public PredictionWindow Build()
    {
        var inputs = new DataColumn[_inputs.Length];
        for (var c = 0; c < inputs.Length; c++)
        {
            inputs[c] = _kinds[c] switch
            {
                ColumnKind.Numeric => DataColumn.Numeric(_inputs[c].Name, _numbers[c]!.ToArray(), _inputs[c].Type),
                ColumnKind.DateTime => DataColumn.DateTime(_inputs[c].Name, Times(_labels[c]!.ToArray())),
                _ => DataColumn.Text(_inputs[c].Name, _labels[c]!.ToArray(), _inputs[c].Type),
            };
        }

        DataColumn[] predictions = _regression
            ? [DataColumn.Numeric(ReferenceSampleFiles.PredictionColumn, _predictedValues.ToArray())]
            : [DataColumn.Labels(ReferenceSampleFiles.PredictionColumn, _predictedLabels.ToArray()), DataColumn.Numeric(ReferenceSampleFiles.ProbabilityColumn, _probabilities.ToArray())];
        return new PredictionWindow(inputs, predictions, Requests, RequestsWithoutInputs, MalformedRequests);
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
        InputRows = inputRows;
        for (var c = 0; c < _inputs.Length; c++)
        {
            _numbers[c]?.Truncate(inputRows);
            _labels[c]?.Truncate(inputRows);
        }

        _predictedValues.Truncate(predictionRows);
        _predictedLabels.Truncate(predictionRows);
        _probabilities.Truncate(predictionRows);
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
    /// <summary>Input rows.</summary>
    public int InputRows => Inputs.Count == 0 ? 0 : Inputs[0].Length;

    /// <summary>Predictions.</summary>
    public int PredictionRows => Predictions[0].Length;
}
