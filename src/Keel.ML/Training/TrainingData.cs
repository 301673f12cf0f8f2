using Keel.ML.Data;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>A table with the inputs and label chosen: what trainers fit and evaluators score.</summary>
/// <param name="Table">The rows (no missing targets).</param>
/// <param name="Features">The model's input columns, in signature order.</param>
/// <param name="Label">How the target becomes a label.</param>
/// <param name="Target">The target column (or the derived label's source column).</param>
public sealed record TrainingData(TabularData Table, IReadOnlyList<FeatureColumn> Features, LabelEncoding Label, string Target)
{
    /// <summary>The ML.NET view with the inputs and the <c>Label</c> column.</summary>
    public IDataView ToView() => ViewBuilder.Build(Table, Features, Label, Target);

    /// <summary>The same inputs and label over other rows.</summary>
    public TrainingData WithTable(TabularData table) => this with { Table = table };
}
