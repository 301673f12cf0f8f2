using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.ML.Training;

/// <summary>An input column of the model and how it is featurised.</summary>
/// <param name="Name">The column name (as in the data file and the signature).</param>
/// <param name="Kind">How it is featurised.</param>
public sealed record FeatureColumn(string Name, ColumnKind Kind)
{
    /// <summary>The parts a datetime column is expanded into, as numeric view columns <c>name.part</c>.</summary>
    public static IReadOnlyList<string> DateTimeParts { get; } = ["year", "month", "day", "day_of_week", "hour"];

    /// <summary>
    /// How a packaged model reads an input of this signature type: numbers as numbers, datetimes
    /// as their parts, everything else as text (categorical and text columns are both strings in
    /// the view; the model's own transforms tell them apart).
    /// </summary>
    public static ColumnKind KindOf(ColumnType type) => type switch
    {
        ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer => ColumnKind.Numeric,
        ColumnType.DateTime => ColumnKind.DateTime,
        _ => ColumnKind.Categorical,
    };

    /// <summary>A packaged model's inputs, from its signature.</summary>
    public static FeatureColumn[] FromSignature(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Inputs.Select(c => new FeatureColumn(c.Name, KindOf(c.Type))).ToArray();
    }

    /// <summary>The names of the ML.NET columns this input becomes.</summary>
    public IEnumerable<string> ViewColumnNames() =>
        Kind == ColumnKind.DateTime ? DateTimeParts.Select(p => $"{Name}.{p}") : [Name];
}
