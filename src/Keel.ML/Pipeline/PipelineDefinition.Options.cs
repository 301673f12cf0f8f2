namespace Keel.ML.Pipeline;

/// <summary>A transform of a regression target: the model learns the transformed value, and its predictions are mapped back.</summary>
public enum TargetTransform
{
    /// <summary>The target as it is.</summary>
    None,

    /// <summary>Learn ln(y) (every target must be above 0); predictions are exp(score).</summary>
    Log,

    /// <summary>Learn ln(1 + y) (every target must be above -1); predictions are exp(score) - 1.</summary>
    Log1p,
}

/// <summary>Whether and how feature importance is computed after training.</summary>
public enum ImportanceMethod
{
    /// <summary>Not computed (no <c>feature_importance.json</c>).</summary>
    None,

    /// <summary>Permutation importance: one scoring pass of the validation split per input column.</summary>
    Permutation,
}

/// <summary>Per-class example weights for classification (<c>trainer.class_weights</c>).</summary>
/// <param name="Balanced">Weigh each class by n / (classes × its count), as scikit-learn's <c>class_weight='balanced'</c>.</param>
/// <param name="Weights">Explicit weights by class name (classes not named weigh 1); empty when <paramref name="Balanced"/>.</param>
public sealed record ClassWeights(bool Balanced, IReadOnlyDictionary<string, double> Weights);
