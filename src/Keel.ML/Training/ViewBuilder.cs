using Keel.ML.Data;
using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Training;

/// <summary>
/// Turns a <see cref="TabularData"/> into the ML.NET view the model reads: numeric inputs as
/// Single (NaN = missing), categorical and text inputs as text (empty = missing), datetime inputs
/// as five Single parts, and the label as Boolean, key or Single. Training and serving both go
/// through here, so a served row is featurised exactly as a training row.
/// </summary>
internal static class ViewBuilder
{
    public static IDataView Build(TabularData table, IReadOnlyList<FeatureColumn> features, LabelEncoding? label, string? target) =>
        Build(table, features, label, target, TargetTransform.None, null);

    /// <summary>The view with the label transformed (regression) and, with <paramref name="classWeights"/>, a <c>Weight</c> column for fitting.</summary>
    public static IDataView Build(TabularData table, IReadOnlyList<FeatureColumn> features, LabelEncoding? label, string? target, TargetTransform transform, IReadOnlyList<double>? classWeights)
    {
        var columns = new List<ViewColumn>();
        foreach (var feature in features)
        {
            AddFeature(columns, table[feature.Name], feature);
        }

        if (label is not null && target is not null)
        {
            columns.Add(LabelColumn(table, label, target, transform));
            if (classWeights is not null)
            {
                columns.Add(WeightColumn(table, label, target, classWeights));
            }
        }

        return new InMemoryDataView(columns, table.RowCount);
    }

    private static void AddFeature(List<ViewColumn> columns, DataColumn column, FeatureColumn feature)
    {
        var n = column.Values.Count;
        switch (feature.Kind)
        {
            case ColumnKind.Numeric:
                var numbers = column.Numbers ?? column.Values.Select(v => ValueParsing.TryNumber(v, out var x) ? x : double.NaN).ToArray();
                var singles = new float[n];
                for (var i = 0; i < n; i++)
                {
                    singles[i] = (float)numbers[i];
                }

                columns.Add(new ArrayColumn<float>(feature.Name, NumberDataViewType.Single, singles));
                break;
            case ColumnKind.DateTime:
                var times = column.Times ?? column.Values.Select(v => ValueParsing.TryTime(v, out var t) ? t : (DateTime?)null).ToArray();
                var parts = FeatureColumn.DateTimeParts;
                for (var p = 0; p < parts.Count; p++)
                {
                    var values = new float[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = times[i] is { } t ? Part(t, p) : float.NaN;
                    }

                    columns.Add(new ArrayColumn<float>($"{feature.Name}.{parts[p]}", NumberDataViewType.Single, values));
                }

                break;
            default:
                var texts = new ReadOnlyMemory<char>[n];
                for (var i = 0; i < n; i++)
                {
                    texts[i] = (column.Values[i] ?? string.Empty).AsMemory();
                }

                columns.Add(new ArrayColumn<ReadOnlyMemory<char>>(feature.Name, TextDataViewType.Instance, texts));
                break;
        }
    }

    private static float Part(DateTime time, int part) => part switch
    {
        0 => time.Year,
        1 => time.Month,
        2 => time.Day,
        3 => (float)time.DayOfWeek,
        _ => time.Hour,
    };

    private static ArrayColumn<float> WeightColumn(TabularData table, LabelEncoding label, string target, IReadOnlyList<double> classWeights)
    {
        var classes = label.ClassOf(table, target);
        var weights = new float[classes.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)classWeights[label.IndexOf(classes[i])];
        }

        return new ArrayColumn<float>(TrainerRegistry.WeightColumn, NumberDataViewType.Single, weights);
    }

    private static ViewColumn LabelColumn(TabularData table, LabelEncoding label, string target, TargetTransform transform)
    {
        var classes = label.ClassOf(table, target);
        var n = classes.Length;
        switch (label.Task)
        {
            case MLTask.Binary:
                var flags = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    flags[i] = string.Equals(classes[i], label.Classes[1], StringComparison.Ordinal);
                }

                return new ArrayColumn<bool>(TrainerRegistry.LabelColumn, BooleanDataViewType.Instance, flags);
            case MLTask.Multiclass:
                var keys = new uint[n];
                for (var i = 0; i < n; i++)
                {
                    keys[i] = (uint)(label.IndexOf(classes[i]) + 1);
                }

                return new ArrayColumn<uint>(TrainerRegistry.LabelColumn, new KeyDataViewType(typeof(uint), label.Classes.Count), keys);
            default:
                var numbers = table[target].Numbers!;
                var values = new float[n];
                for (var i = 0; i < n; i++)
                {
                    values[i] = (float)TargetTransforms.Forward(transform, numbers[i]);
                }

                return new ArrayColumn<float>(TrainerRegistry.LabelColumn, NumberDataViewType.Single, values);
        }
    }
}
