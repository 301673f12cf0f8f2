using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Packaging;

/// <summary>
/// One mutable input row for a <see cref="ScoringEngine"/>: the same columns, names and types the
/// batch view (<see cref="Training.ViewBuilder"/>) gives the model — Single for numeric and datetime
/// parts, text for categorical and free-text inputs — held in two arrays that the engine overwrites
/// for every row. <see cref="Advance"/> moves <see cref="Position"/>, which ML.NET transforms use to
/// know that cached per-row values are stale (as <c>PredictionEngine</c>'s input row does).
/// </summary>
internal sealed class EngineInputRow : DataViewRow
{
    private readonly Delegate[] _getters;
    private long _position = -1;

    /// <summary>Creates the row for <paramref name="schema"/>; <paramref name="slots"/> maps each column to its index in <see cref="Singles"/> or <see cref="Texts"/>.</summary>
    public EngineInputRow(DataViewSchema schema, int[] slots)
    {
        Schema = schema;
        int singleCount = 0, textCount = 0;
        for (var c = 0; c < schema.Count; c++)
        {
            if (schema[c].Type is TextDataViewType)
            {
                textCount = Math.Max(textCount, slots[c] + 1);
            }
            else
            {
                singleCount = Math.Max(singleCount, slots[c] + 1);
            }
        }

        var singles = Singles = new float[singleCount];
        var texts = Texts = new ReadOnlyMemory<char>[textCount];
        _getters = new Delegate[schema.Count];
        for (var c = 0; c < schema.Count; c++)
        {
            var slot = slots[c];
            _getters[c] = schema[c].Type is TextDataViewType
                ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = texts[slot])
                : (ValueGetter<float>)((ref float value) => value = singles[slot]);
        }
    }

    /// <summary>The Single columns' values (numeric inputs and datetime parts; NaN = missing).</summary>
    public float[] Singles { get; }

    /// <summary>The text columns' values (empty = missing).</summary>
    public ReadOnlyMemory<char>[] Texts { get; }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => 0;

    /// <summary>Marks the values as a new row.</summary>
    public void Advance() => _position++;

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        _getters[column.Index] as ValueGetter<TValue>
        ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}, not {typeof(TValue).Name}.");

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);
}
