using Keel.ML.Pipeline;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>A fitted featurisation + trainer chain and what it was fitted with.</summary>
/// <param name="Transformer">The ML.NET model (featurisation then predictor).</param>
/// <param name="Task">The task.</param>
/// <param name="Trainer">The trainer name.</param>
/// <param name="Parameters">The hyper-parameters given (absent ones were ML.NET's defaults).</param>
/// <param name="Features">The input columns.</param>
/// <param name="Label">The label encoding.</param>
/// <param name="InputSchema">The schema of the view the model was fitted on (saved with it).</param>
public sealed record TrainedModel(
    ITransformer Transformer,
    MLTask Task,
    string Trainer,
    IReadOnlyDictionary<string, double> Parameters,
    IReadOnlyList<FeatureColumn> Features,
    LabelEncoding Label,
    DataViewSchema InputSchema);
