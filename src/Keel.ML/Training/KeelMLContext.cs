using Keel.ML.Evaluation;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>
/// The entry point for training, in the spirit of ML.NET's <see cref="Microsoft.ML.MLContext"/>:
/// one seeded context with catalogs for featurisation, trainers and evaluation. The same seed and
/// the same data give the same model, metrics and predictions.
/// </summary>
public sealed class KeelMLContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="seed">The seed for ML.NET, trainers, sweeps and permutation importance.</param>
    /// <value>42.</value>
    public KeelMLContext(int seed = 42)
    {
        Seed = seed;
        MLContext = new MLContext(seed);
        Featurization = new FeaturizationCatalog(MLContext);
        Trainers = new TrainerCatalog(this);
        Evaluation = new EvaluationCatalog(this);
    }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The underlying ML.NET context.</summary>
    public MLContext MLContext { get; }

    /// <summary>Featurisation: one-hot, missing values, normalisation, text.</summary>
    public FeaturizationCatalog Featurization { get; }

    /// <summary>Trainers by name, and sweeps.</summary>
    public TrainerCatalog Trainers { get; }

    /// <summary>Predictions, metrics, confusion matrices, permutation importance, plots.</summary>
    public EvaluationCatalog Evaluation { get; }
}
