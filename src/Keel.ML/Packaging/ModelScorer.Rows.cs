using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;
using Keel.ML.Training;

namespace Keel.ML.Packaging;

// The row path: each row is checked and written into a pooled engine's input in one pass.
public sealed partial class ModelScorer
{
    /// <summary>
    /// Warm-up: creates <paramref name="engines"/> engines (at most the pool's capacity), scores
    /// <paramref name="rows"/> on each and pools them, so the first concurrent requests (e.g. right
    /// after a hot swap) find engines ready instead of building them.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the rows do not fit the signature.</exception>
    public void WarmEngines(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, int engines)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var rented = new List<ScoringEngine>();
        try
        {
            for (var i = 0; i < Math.Min(engines, _engines.Capacity); i++)
            {
                var engine = _engines.Rent();
                rented.Add(engine);
                ScoreOn(engine, rows, strictColumns: true, ignored: null);
            }
        }
        finally
        {
            foreach (var engine in rented)
            {
                _engines.Return(engine);
            }
        }
    }

    /// <summary>
    /// Checks rows against the signature and scores them one by one on a pooled engine; after the
    /// first problem the remaining rows are only checked, and all problems are thrown together.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE listing every problem with the rows.</exception>
    internal ModelPrediction[] ScoreRows(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, bool strictColumns, HashSet<string>? ignored, bool withProbabilities = false)
    {
        var engine = _engines.Rent();
        try
        {
            return ScoreOn(engine, rows, strictColumns, ignored, withProbabilities);
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    private ModelPrediction[] ScoreOn(ScoringEngine engine, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, bool strictColumns, HashSet<string>? ignored, bool withProbabilities = false)
    {
        var result = new ModelPrediction[rows.Count];
        List<string>? problems = null;
        ScoringColumns? columns = null;
        int[]? positions = null;
        var positionalCount = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var positional = row as ScoringRow;
            if (positional is not null && !ReferenceEquals(positional.Columns, columns))
            {
                columns = positional.Columns;
                positions = PositionsIn(columns, out positionalCount);
            }

            var count = positional is null ? row.Count : positionalCount;
            if (Fill(engine.Input, row, count, positional, positions, r, strictColumns, ignored, ref problems) && problems is null)
            {
                result[r] = engine.Predict(withProbabilities);
            }
        }

        if (problems is not null)
        {
            var shown = string.Join("; ", problems.Take(MaxReported)) + (problems.Count > MaxReported ? $"; and {problems.Count - MaxReported} more" : string.Empty);
            throw KeelException.InvalidParameter($"Input does not match the model signature: {shown}.");
        }

        return result;
    }

    /// <summary>
    /// Each input's position in <paramref name="columns"/>, or -1 when it is not given, and the
    /// number of distinct names. Columns in signature order (the usual case) need no lookups.
    /// </summary>
    private int[] PositionsIn(ScoringColumns columns, out int distinct)
    {
        var names = columns.Names;
        if (names.Count == _features.Length)
        {
            var same = true;
            for (var c = 0; c < _features.Length && same; c++)
            {
                same = string.Equals(names[c], _features[c].Name, StringComparison.Ordinal);
            }

            if (same)
            {
                distinct = _features.Length;
                return _signatureOrder;
            }
        }

        var positions = new int[_features.Length];
        for (var c = 0; c < positions.Length; c++)
        {
            positions[c] = columns.Index.TryGetValue(_features[c].Name, out var position) ? position : -1;
        }

        distinct = columns.Index.Count;
        return positions;
    }

    /// <summary>
    /// Checks row <paramref name="r"/> (with <paramref name="count"/> distinct names) and writes its
    /// values into <paramref name="input"/>. Returns whether the row is valid; problems are added in the order unknown names, then per input
    /// (missing or wrong type).
    /// </summary>
    private bool Fill(EngineInputRow input, IReadOnlyDictionary<string, JsonElement> row, int count, ScoringRow? positional, int[]? positions, int r, bool strictColumns, HashSet<string>? ignored, ref List<string>? problems)
    {
        var found = 0;
        List<string>? rowProblems = null;
        for (var c = 0; c < _features.Length; c++)
        {
            var feature = _features[c];
            if (!TryValue(row, positional, positions, c, out var value))
            {
                (rowProblems ??= []).Add($"row {r}: {feature.Name}: missing (send null for a missing value)");
                continue;
            }

            found++;
            if (Set(input, c, value) is { } why)
            {
                (rowProblems ??= []).Add($"row {r}: {feature.Name}: {why}");
            }
        }

        // With every input found, the row has unknown names exactly when it has more names than inputs.
        if (rowProblems is null && count == found)
        {
            return true;
        }

        if (count > found)
        {
            foreach (var name in row.Keys)
            {
                if (_featureIndex.ContainsKey(name))
                {
                    continue;
                }

                if (strictColumns)
                {
                    (problems ??= []).Add($"row {r}: {name}: not an input of this model");
                }
                else
                {
                    // As MLflow's schema enforcement: left out, and reported to the caller.
                    ignored?.Add(name);
                }
            }
        }

        if (rowProblems is not null)
        {
            (problems ??= []).AddRange(rowProblems);
        }

        return problems is null;
    }

    /// <summary>Input <paramref name="c"/>'s value in the row: by position for a <see cref="ScoringRow"/>, else by name.</summary>
    private bool TryValue(IReadOnlyDictionary<string, JsonElement> row, ScoringRow? positional, int[]? positions, int c, out JsonElement value)
    {
        if (positional is null)
        {
            return row.TryGetValue(_features[c].Name, out value);
        }

        var position = positions![c];
        value = position >= 0 ? positional.At(position) : default;
        return position >= 0;
    }

    /// <summary>
    /// Checks a value of input <paramref name="c"/> and writes it into the engine's input exactly
    /// as the batch path featurises it: numbers as (float)double (the batch path's "R" text
    /// round-trips the double exactly), datetime parts as <see cref="ViewBuilder"/> computes them,
    /// text as is; null = missing (NaN or empty).
    /// </summary>
    /// <returns>Why the value does not fit the input, or null when it was written.</returns>
    private string? Set(EngineInputRow input, int c, JsonElement value)
    {
        var singles = input.Singles;
        var slot = _firstSlot[c];
        var kind = _features[c].Kind;
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (kind is ColumnKind.Numeric or ColumnKind.DateTime)
            {
                singles.AsSpan(slot, kind == ColumnKind.Numeric ? 1 : FeatureColumn.DateTimeParts.Count).Fill(float.NaN);
            }
            else
            {
                input.Texts[slot] = ReadOnlyMemory<char>.Empty;
            }

            return null;
        }

        switch (kind)
        {
            case ColumnKind.Numeric when value.ValueKind == JsonValueKind.Number:
                if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    return "expected a number (double), got a number out of range";
                }

                singles[slot] = (float)number;
                return null;
            case ColumnKind.Numeric:
                return $"expected a number (double), got {Describe(value)}";
            case ColumnKind.DateTime when value.ValueKind == JsonValueKind.String && CellParsing.TryTime(value.GetString(), out var time):
                singles[slot] = time.Year;
                singles[slot + 1] = time.Month;
                singles[slot + 2] = time.Day;
                singles[slot + 3] = (float)time.DayOfWeek;
                singles[slot + 4] = time.Hour;
                return null;
            case ColumnKind.DateTime:
                return $"expected an ISO 8601 datetime string, got {Describe(value)}";
            case ColumnKind.Categorical or ColumnKind.Text when value.ValueKind == JsonValueKind.String:
                input.Texts[slot] = (value.GetString() ?? string.Empty).AsMemory();
                return null;
            default:
                return $"expected a string, got {Describe(value)}";
        }
    }
}
