using Keel.ML.Pipeline;

namespace Keel.ML.Training;

/// <summary>An input column of the model and how it is featurised.</summary>
/// <param name="Name">The column name (as in the data file and the signature).</param>
/// <param name="Kind">How it is featurised.</param>
public sealed record FeatureColumn(string Name, ColumnKind Kind)
{
    /// <summary>The parts a datetime column is expanded into, as numeric view columns <c>name.part</c>.</summary>
    public static IReadOnlyList<string> DateTimeParts { get; } = ["year", "month", "day", "day_of_week", "hour"];

    /// <summary>The names of the ML.NET columns this input becomes.</summary>
    public IEnumerable<string> ViewColumnNames() =>
        Kind == ColumnKind.DateTime ? DateTimeParts.Select(p => $"{Name}.{p}") : [Name];
}
