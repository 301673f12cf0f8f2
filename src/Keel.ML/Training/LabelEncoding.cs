using Keel.Core.Errors;
using Keel.ML.Data;
using Keel.ML.Pipeline;

namespace Keel.ML.Training;

/// <summary>
/// How target values become ML.NET labels: binary = Boolean (true = <see cref="Classes"/>[1]),
/// multiclass = a key over <see cref="Classes"/> (ordinal order), regression = Single.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Classes">Class names: binary [negative, positive]; multiclass sorted; regression empty.</param>
/// <param name="Rule">A derived binary label, or null.</param>
public sealed record LabelEncoding(MLTask Task, IReadOnlyList<string> Classes, LabelRule? Rule = null)
{
    /// <summary>Decides the classes from the data. The binary positive class is, in order: the
    /// configured one; <c>1</c>, <c>true</c> or <c>yes</c> when present; else the rarer class.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a binary target without exactly two classes.</exception>
    public static LabelEncoding Create(DataSection data, TabularData table)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(table);
        if (data.Task == MLTask.Regression)
        {
            return new LabelEncoding(MLTask.Regression, []);
        }

        if (data.Label is not null)
        {
            return new LabelEncoding(MLTask.Binary, ["false", "true"], data.Label);
        }

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in table[data.Target].Texts!)
        {
            if (value is not null)
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        if (data.Task == MLTask.Multiclass)
        {
            if (counts.Count < 2)
            {
                throw KeelException.InvalidParameter($"data.target: '{data.Target}' has {counts.Count} class(es); multiclass needs at least 2.");
            }

            return new LabelEncoding(MLTask.Multiclass, [.. counts.Keys]);
        }

        if (counts.Count != 2)
        {
            throw KeelException.InvalidParameter($"data.target: '{data.Target}' has {counts.Count} distinct values; binary needs exactly 2 (use task: multiclass or data.label).");
        }

        var keys = counts.Keys.ToArray();
        var positive = data.PositiveClass
            ?? keys.FirstOrDefault(k => k is "1" or "true" or "True" or "yes" or "Yes")
            ?? (counts[keys[0]] < counts[keys[1]] ? keys[0] : keys[1]);
        if (!counts.ContainsKey(positive))
        {
            throw KeelException.InvalidParameter($"data.positive_class: '{positive}' is not a value of '{data.Target}' ({string.Join(", ", keys)}).");
        }

        var negative = keys[0] == positive ? keys[1] : keys[0];
        return new LabelEncoding(MLTask.Binary, [negative, positive]);
    }

    /// <summary>The class of each row as text (for stratification), null where the target is missing.</summary>
    public string?[] ClassOf(TabularData table, string target)
    {
        ArgumentNullException.ThrowIfNull(table);
        var count = table.RowCount;
        var result = new string?[count];
        if (Rule is not null)
        {
            var numbers = table[Rule.Column].Numbers!;
            for (var i = 0; i < count; i++)
            {
                result[i] = double.IsNaN(numbers[i]) ? null : numbers[i] > Rule.GreaterThan ? "true" : "false";
            }

            return result;
        }

        if (Task == MLTask.Regression)
        {
            var numbers = table[target].Numbers!;
            for (var i = 0; i < count; i++)
            {
                result[i] = double.IsNaN(numbers[i]) ? null : string.Empty;
            }

            return result;
        }

        var values = table[target].Texts!;
        for (var i = 0; i < count; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>The index of a class name in <see cref="Classes"/>, or -1.</summary>
    public int IndexOf(string? name)
    {
        for (var i = 0; i < Classes.Count; i++)
        {
            if (string.Equals(Classes[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
