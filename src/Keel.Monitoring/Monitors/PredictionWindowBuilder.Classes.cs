using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Monitoring.Monitors;

// Every class's probability, which serving logs for multiclass classifiers as
// "probabilities": {"class": p, ...}: one column per class seen, NaN where a row did not give it.
public sealed partial class PredictionWindowBuilder
{
    private readonly Dictionary<string, NumberBuffer> _classProbabilities = new(StringComparer.Ordinal);
    private readonly List<string> _classOrder = [];

    /// <summary>Reads <c>{"class": p, ...}</c> into the class columns at prediction row <paramref name="row"/>.</summary>
    private void ReadClassProbabilities(ref Utf8JsonReader reader, int row)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueIsEscaped || reader.HasValueSequence ? _interner.Get(reader.GetString().AsSpan()) : _interner.Get(reader.ValueSpan);
            reader.Read();
            var probability = Number(ref reader);
            if (!_classProbabilities.TryGetValue(name, out var column))
            {
                _classProbabilities[name] = column = new NumberBuffer();
                _classOrder.Add(name);
            }

            if (column.Count <= row)
            {
                column.PadTo(row);
                column.Add(probability);
            }
        }
    }

    private void TruncateClassProbabilities(int predictionRows)
    {
        foreach (var column in _classProbabilities.Values)
        {
            column.Truncate(predictionRows);
        }
    }

    /// <summary>The class columns (<c>probability:CLASS</c>, in order of first appearance over the parts), each as long as the window.</summary>
    private static IEnumerable<DataColumn> ClassProbabilityColumns(IReadOnlyList<PredictionWindowBuilder> parts)
    {
        var names = parts.SelectMany(p => p._classOrder).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var name in names)
        {
            var buffers = parts.Select(p =>
            {
                if (!p._classProbabilities.TryGetValue(name, out var column))
                {
                    column = new NumberBuffer();
                    p._classProbabilities[name] = column;
                    p._classOrder.Add(name);
                }

                column.PadTo(p.PredictionRows);
                return column;
            }).ToList();
            yield return DataColumn.Numeric(ReferenceSampleFiles.ClassProbabilityPrefix + name, Buffers.Concat(buffers));
        }
    }
}
