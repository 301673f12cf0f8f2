using Keel.ML.Pipeline;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>Creates an ML.NET estimator from typed hyper-parameters.</summary>
/// <param name="context">The ML context (seeded).</param>
/// <param name="parameters">Hyper-parameters by snake_case name; absent ones keep ML.NET's defaults.</param>
/// <param name="seed">The seed for trainers that take their own.</param>
/// <param name="weightColumn">The example weight column (<see cref="TrainerRegistry.WeightColumn"/>), or null for equal weights.</param>
public delegate IEstimator<ITransformer> TrainerFactory(MLContext context, IReadOnlyDictionary<string, double> parameters, int seed, string? weightColumn);

/// <summary>A trainer Keel knows by name for one task.</summary>
/// <param name="Name">The name in <c>pipeline.yaml</c>, e.g. <c>FastTree</c>.</param>
/// <param name="Task">The task it serves.</param>
/// <param name="NeedsNormalization">Whether features are min-max normalised first (linear trainers).</param>
/// <param name="Parameters">The accepted hyper-parameters.</param>
/// <param name="Create">The estimator factory; reads label <c>Label</c> and features <c>Features</c>.</param>
public sealed record TrainerSpec(
    string Name,
    MLTask Task,
    bool NeedsNormalization,
    IReadOnlyList<HyperParameterSpec> Parameters,
    TrainerFactory Create)
{
    /// <summary>The accepted parameter with this name, or null.</summary>
    public HyperParameterSpec? Find(string name)
    {
        foreach (var parameter in Parameters)
        {
            if (string.Equals(parameter.Name, name, StringComparison.Ordinal))
            {
                return parameter;
            }
        }

        return null;
    }
}
