using Keel.ML.Data;
using Keel.ML.Pipeline;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>A table with the inputs and label chosen: what trainers fit and evaluators score.</summary>
/// <param name="Table">The rows (no missing targets).</param>
/// <param name="Features">The model's input columns, in signature order.</param>
/// <param name="Label">How the target becomes a label.</param>
/// <param name="Target">The target column (or the derived label's source column).</param>
public sealed record TrainingData(TabularData Table, IReadOnlyList<FeatureColumn> Features, LabelEncoding Label, string Target)
{
    /// <summary>The regression target's transform: the model is fitted on the transformed label and maps its scores back.</summary>
    /// <value><see cref="TargetTransform.None"/>.</value>
    public TargetTransform TargetTransform { get; init; }

    /// <summary>The datetime parts the model uses per column; columns not named use every part.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DateParts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Numeric columns the model computes from numeric inputs (<c>data.derived</c>).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<DerivedColumn> Derived { get; init; } = [];

    /// <summary>Example weight per class (in <see cref="LabelEncoding.Classes"/> order) used when fitting, or null for equal weights.</summary>
    /// <value>Null.</value>
    public IReadOnlyList<double>? ClassWeights { get; init; }

    /// <summary>The ML.NET view with the inputs and the <c>Label</c> column (in the target's own units).</summary>
    public IDataView ToView() => ViewBuilder.Build(Table, Features, Label, Target);

    /// <summary>The view a trainer fits: the label transformed (<see cref="TargetTransform"/>) and, with class weights, a <c>Weight</c> column.</summary>
    public IDataView ToTrainingView() => ViewBuilder.Build(Table, Features, Label, Target, TargetTransform, ClassWeights);

    /// <summary>The same inputs and label over other rows.</summary>
    public TrainingData WithTable(TabularData table) => this with { Table = table };
}
