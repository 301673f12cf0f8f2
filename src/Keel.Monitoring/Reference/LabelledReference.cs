using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Data;

namespace Keel.Monitoring.Reference;

/// <summary>
/// A classifier's labelled reference (<see cref="ReferenceSampleFiles.Labelled"/>): rows the model
/// did not train on, with their true class and the model's probability vector, ready for the
/// label-free estimate to check and fit calibration on. Made once per version (the runner caches
/// versions), so the estimator can cache its calibration by this object.
/// </summary>
/// <param name="Classes">The classes, in the order of each vector; binary: [negative, positive].</param>
/// <param name="Probabilities">One probability vector per row (binary: [1 − p, p] of the positive class).</param>
/// <param name="Labels">The true class of each row.</param>
public sealed record LabelledReference(IReadOnlyList<string> Classes, IReadOnlyList<double[]> Probabilities, IReadOnlyList<string> Labels)
{
    /// <summary>The column kinds a labelled reference is read with (the probability columns are numbers, found by their prefix).</summary>
    public static IReadOnlyDictionary<string, Core.Data.ColumnKind> Kinds { get; } = new Dictionary<string, Core.Data.ColumnKind>(StringComparer.Ordinal)
    {
        [ReferenceSampleFiles.LabelColumn] = Core.Data.ColumnKind.Categorical,
        [ReferenceSampleFiles.PredictionColumn] = Core.Data.ColumnKind.Categorical,
    };

    /// <summary>
    /// The reference in <paramref name="table"/>: a <c>label</c> column and <c>probability:CLASS</c>
    /// columns — one (the positive class of a binary model; the other class is the one the labels
    /// and predictions name besides it) or one per class (multiclass). Rows with a missing label or
    /// probability are left out.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the columns are not there or name no second class.</exception>
    public static LabelledReference From(DataTable table, string source)
    {
        ArgumentNullException.ThrowIfNull(table);
        var labels = table[ReferenceSampleFiles.LabelColumn]?.Texts
            ?? throw KeelException.InvalidParameter($"The labelled reference '{source}' has no '{ReferenceSampleFiles.LabelColumn}' column of classes.");
        var probabilityColumns = table.Columns.Where(c => c.Name.StartsWith(ReferenceSampleFiles.ClassProbabilityPrefix, StringComparison.Ordinal)).ToArray();
        if (probabilityColumns.Length == 0 || probabilityColumns.Any(c => c.Numbers is null))
        {
            throw KeelException.InvalidParameter($"The labelled reference '{source}' needs numeric '{ReferenceSampleFiles.ClassProbabilityPrefix}CLASS' columns.");
        }

        var named = probabilityColumns.Select(c => c.Name[ReferenceSampleFiles.ClassProbabilityPrefix.Length..]).ToList();
        var binary = named.Count == 1;
        if (binary)
        {
            var predicted = table[ReferenceSampleFiles.PredictionColumn]?.Texts ?? [];
            var negative = labels.Concat(predicted).OfType<string>().Where(l => l != named[0]).Distinct(StringComparer.Ordinal).ToArray();
            if (negative.Length != 1)
            {
                throw KeelException.InvalidParameter($"The labelled reference '{source}' has one probability column (of class '{named[0]}'), so its labels must name exactly one other class; they name {negative.Length}.");
            }

            named.Insert(0, negative[0]);
        }

        var vectors = new List<double[]>(table.RowCount);
        var truth = new List<string>(table.RowCount);
        for (var r = 0; r < table.RowCount; r++)
        {
            if (labels[r] is not { } label)
            {
                continue;
            }

            double[] vector;
            if (binary)
            {
                var p = probabilityColumns[0].Numbers![r];
                vector = [1 - p, p];
            }
            else
            {
                vector = new double[probabilityColumns.Length];
                for (var c = 0; c < vector.Length; c++)
                {
                    vector[c] = probabilityColumns[c].Numbers![r];
                }
            }

            if (vector.All(double.IsFinite))
            {
                vectors.Add(vector);
                truth.Add(label);
            }
        }

        return new LabelledReference(named, vectors, truth);
    }
}
