using System.Text.Json;
using Keel.Core.Data;

namespace Keel.Monitoring.Monitors;

// Sampling while reading: above the row cap only the sampled rows' inputs are parsed. Every
// request's inputs are still checked and their rows counted, exactly as the parse would check and
// count them (a count-only scan with the parse's acceptance: the byte scanner, else the
// Utf8JsonReader walk of ReadInputs), so Requests, RequestsWithoutInputs, MalformedRequests and
// the input row count are those of the full parse; outputs are parsed for every request.
public sealed partial class PredictionWindowBuilder
{
    private readonly List<Range> _rowBounds = [];
    private InputRowSample? _sample;
    private int _parsedRows;
    private byte[] _wrapped = new byte[256];

    /// <summary>
    /// Makes the builder keep only a seeded uniform sample of <paramref name="rows"/> input rows
    /// (<see cref="RowSample"/>'s rule over the rows in the order they are added, keys from
    /// <paramref name="seed"/>) and parse only those, when the window is built. Call before the
    /// first <see cref="Add(ReadOnlySpan{byte}, ReadOnlySpan{byte}, IReadOnlyList{string})"/>.
    /// </summary>
    internal PredictionWindowBuilder SampleInputs(int rows, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (Requests > 0)
        {
            throw new InvalidOperationException("Sample before the first request.");
        }

        _sample = new InputRowSample(rows, seed);
        return this;
    }

    /// <summary>One request, sampling: count (and check) its input rows, parse its outputs, offer its rows.</summary>
    private void AddSampled(ReadOnlySpan<byte> inputsUtf8, ReadOnlySpan<byte> outputsUtf8, IReadOnlyList<string> inputColumns)
    {
        Requests++;
        var outputStart = PredictionRows;
        try
        {
            var rows = inputsUtf8.IsEmpty ? 0 : (FastPath ? TryCountInputRowsFast(inputsUtf8) : null) ?? CountInputRows(inputsUtf8);
            if (rows == 0)
            {
                RequestsWithoutInputs++;
            }

            if (!outputsUtf8.IsEmpty && !(FastPath && TryReadOutputsFast(outputsUtf8)))
            {
                ReadOutputs(outputsUtf8);
            }

            // Only now is the request known to be whole: a malformed one counts no row.
            for (var r = 0; r < rows; r++)
            {
                _sample!.Offer(inputsUtf8[_rowBounds[r]], inputColumns);
            }
        }
        catch (JsonException)
        {
            MalformedRequests++;
            TruncatePredictions(outputStart);
        }
    }

    /// <summary>Counts <c>[[v, ...], ...]</c>'s rows (their bounds in <see cref="_rowBounds"/>) as the fast path reads them; null when it gives up.</summary>
    private int? TryCountInputRowsFast(ReadOnlySpan<byte> json)
    {
        _rowBounds.Clear();
        var pos = 0;
        if (!Expect(json, ref pos, (byte)'['))
        {
            return null;
        }

        if (!Peek(json, ref pos, (byte)']'))
        {
            while (true)
            {
                SkipWhitespace(json, ref pos);
                var start = pos;
                if (!Expect(json, ref pos, (byte)'['))
                {
                    return null;
                }

                if (!Peek(json, ref pos, (byte)']'))
                {
                    while (true)
                    {
                        SkipWhitespace(json, ref pos);
                        if (!SkipValue(json, ref pos))
                        {
                            return null;
                        }

                        if (Peek(json, ref pos, (byte)','))
                        {
                            continue;
                        }

                        if (Peek(json, ref pos, (byte)']'))
                        {
                            break;
                        }

                        return null;
                    }
                }

                _rowBounds.Add(start..pos);
                if (Peek(json, ref pos, (byte)','))
                {
                    continue;
                }

                if (Peek(json, ref pos, (byte)']'))
                {
                    break;
                }

                return null;
            }
        }

        SkipWhitespace(json, ref pos);
        return pos == json.Length ? _rowBounds.Count : null;
    }

    /// <summary>Counts the rows as <see cref="ReadInputs"/> reads them (the same walk without the values): 0 for hash-mode rows; throws what it throws.</summary>
    private int CountInputRows(ReadOnlySpan<byte> json)
    {
        _rowBounds.Clear();
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("inputs: expected an array of rows");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                SkipRest(ref reader);
                _rowBounds.Clear();
                return 0;
            }

            var start = (int)reader.TokenStartIndex;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }

            _rowBounds.Add(start..(int)reader.BytesConsumed);
        }

        return _rowBounds.Count;
    }

    /// <summary>Parses one kept row (<c>[v, ...]</c>) into this builder's columns, as the row of a request of its own.</summary>
    private void AddInputRow(ReadOnlySpan<byte> row, IReadOnlyList<string> columns)
    {
        if (_wrapped.Length < row.Length + 2)
        {
            _wrapped = new byte[Math.Max(row.Length + 2, _wrapped.Length * 2)];
        }

        _wrapped[0] = (byte)'[';
        row.CopyTo(_wrapped.AsSpan(1));
        _wrapped[row.Length + 1] = (byte)']';
        var json = _wrapped.AsSpan(0, row.Length + 2);
        var map = Map(columns);
        if ((FastPath ? TryReadInputsFast(json, map) : null) is null)
        {
            ReadInputs(json, map); // checked when it was counted: it parses
        }
    }

    /// <summary>
    /// The sampled input columns of <paramref name="parts"/>: the <c>k</c> kept rows with the smallest
    /// keys over every part (ties: the earlier part, then the earlier row), parsed in log order (part,
    /// then row); null when no part sampled. <paramref name="rows"/>: the rows counted in all parts.
    /// </summary>
    private static DataColumn[]? SampledInputs(IReadOnlyList<PredictionWindowBuilder> parts, out long rows)
    {
        rows = 0;
        if (parts[0]._sample is not { } first)
        {
            return null;
        }

        var kept = new List<(ulong Key, int Part, long Position, int Slot)>();
        for (var p = 0; p < parts.Count; p++)
        {
            var sample = parts[p]._sample ?? throw new ArgumentException("Every part samples, or none.", nameof(parts));
            rows += sample.Rows;
            kept.AddRange(sample.Kept().Select(k => (k.Key, p, k.Position, k.Slot)));
        }

        if (kept.Count > first.Size)
        {
            kept.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Part != b.Part ? a.Part.CompareTo(b.Part) : a.Position.CompareTo(b.Position));
            kept.RemoveRange(first.Size, kept.Count - first.Size);
        }

        kept.Sort((a, b) => a.Part != b.Part ? a.Part.CompareTo(b.Part) : a.Position.CompareTo(b.Position));
        var parser = new PredictionWindowBuilder(parts[0]._signature) { FastPath = parts[0].FastPath };
        foreach (var (_, part, _, slot) in kept)
        {
            var sample = parts[part]._sample!;
            parser.AddInputRow(sample.Bytes(slot), sample.Columns(slot));
        }

        return InputColumns([parser]);
    }
}
