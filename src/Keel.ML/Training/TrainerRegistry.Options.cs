using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.ML.Training;

public static partial class TrainerRegistry
{
    /// <summary>Sets the example weight column (class weights), or leaves it unset.</summary>
    private static T Weighted<T>(T options, string? weightColumn)
        where T : TrainerInputBaseWithWeight
    {
        options.ExampleWeightColumnName = weightColumn;
        return options;
    }

    private static T Tree<T>(IReadOnlyDictionary<string, double> p, int seed, string? weightColumn)
        where T : BoostedTreeOptions, new()
    {
        var options = Forest<T>(p, seed, weightColumn);
        options.LearningRate = Real(p, LearningRate, options.LearningRate);
        return options;
    }

    private static T Forest<T>(IReadOnlyDictionary<string, double> p, int seed, string? weightColumn)
        where T : TreeOptions, new()
    {
        var options = new T { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, ExampleWeightColumnName = weightColumn, Seed = seed, NumberOfThreads = 1 };
        options.NumberOfTrees = Int(p, Trees, options.NumberOfTrees);
        options.NumberOfLeaves = Int(p, Leaves, options.NumberOfLeaves);
        options.MinimumExampleCountPerLeaf = Int(p, MinLeaf, options.MinimumExampleCountPerLeaf);
        return options;
    }

    // The option classes of one family share no usable base type (their bases are nested in
    // generic trainer bases), so each is filled in one initializer from values read once.
    private static LightGbmBinaryTrainer.Options GbmBinary(IReadOnlyDictionary<string, double> p, int seed)
    {
        var (iterations, leaves, minLeaf, rate) = GbmValues(p);
        return new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true, NumberOfIterations = iterations, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, LearningRate = rate };
    }

    private static LightGbmMulticlassTrainer.Options GbmMulticlass(IReadOnlyDictionary<string, double> p, int seed)
    {
        var (iterations, leaves, minLeaf, rate) = GbmValues(p);
        return new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true, NumberOfIterations = iterations, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, LearningRate = rate };
    }

    private static LightGbmRegressionTrainer.Options GbmRegression(IReadOnlyDictionary<string, double> p, int seed)
    {
        var (iterations, leaves, minLeaf, rate) = GbmValues(p);
        return new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true, NumberOfIterations = iterations, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, LearningRate = rate };
    }

    /// <summary>LightGBM values; null leaves ML.NET's automatic choice. 100 iterations is ML.NET's default.</summary>
    private static (int Iterations, int? Leaves, int? MinLeaf, double? Rate) GbmValues(IReadOnlyDictionary<string, double> p) =>
        (Int(p, Iterations, 100), NullableInt(p, Leaves, null), NullableInt(p, MinLeaf, null), NullableReal(p, LearningRate, null));

    private static SdcaLogisticRegressionBinaryTrainer.Options SdcaBinary(IReadOnlyDictionary<string, double> p) =>
        new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1, L1Regularization = NullableSingle(p, L1), L2Regularization = NullableSingle(p, L2), MaximumNumberOfIterations = NullableInt(p, MaxIterations, null) };

    private static SdcaMaximumEntropyMulticlassTrainer.Options SdcaMulticlass(IReadOnlyDictionary<string, double> p) =>
        new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1, L1Regularization = NullableSingle(p, L1), L2Regularization = NullableSingle(p, L2), MaximumNumberOfIterations = NullableInt(p, MaxIterations, null) };

    private static SdcaRegressionTrainer.Options SdcaRegression(IReadOnlyDictionary<string, double> p) =>
        new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1, L1Regularization = NullableSingle(p, L1), L2Regularization = NullableSingle(p, L2), MaximumNumberOfIterations = NullableInt(p, MaxIterations, null) };

    private static LbfgsLogisticRegressionBinaryTrainer.Options LbfgsBinary(IReadOnlyDictionary<string, double> p)
    {
        var d = new LbfgsLogisticRegressionBinaryTrainer.Options();
        return new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1, L1Regularization = Single(p, L1, d.L1Regularization), L2Regularization = Single(p, L2, d.L2Regularization), OptimizationTolerance = Single(p, Tolerance, d.OptimizationTolerance), MaximumNumberOfIterations = Int(p, MaxIterations, d.MaximumNumberOfIterations) };
    }

    private static LbfgsMaximumEntropyMulticlassTrainer.Options LbfgsMulticlass(IReadOnlyDictionary<string, double> p)
    {
        var d = new LbfgsMaximumEntropyMulticlassTrainer.Options();
        return new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1, L1Regularization = Single(p, L1, d.L1Regularization), L2Regularization = Single(p, L2, d.L2Regularization), OptimizationTolerance = Single(p, Tolerance, d.OptimizationTolerance), MaximumNumberOfIterations = Int(p, MaxIterations, d.MaximumNumberOfIterations) };
    }

    private static OnlineGradientDescentTrainer.Options Ogd(IReadOnlyDictionary<string, double> p)
    {
        var d = new OnlineGradientDescentTrainer.Options();
        return new() { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, LearningRate = Single(p, LearningRate, d.LearningRate), NumberOfIterations = Int(p, Iterations, d.NumberOfIterations), L2Regularization = Single(p, L2, d.L2Regularization) };
    }

    private static int? NullableInt(IReadOnlyDictionary<string, double> p, HyperParameterSpec spec, int? fallback) =>
        p.TryGetValue(spec.Name, out var value) ? (int)value : fallback;

    private static double? NullableReal(IReadOnlyDictionary<string, double> p, HyperParameterSpec spec, double? fallback) =>
        p.TryGetValue(spec.Name, out var value) ? value : fallback;

    private static float? NullableSingle(IReadOnlyDictionary<string, double> p, HyperParameterSpec spec) =>
        p.TryGetValue(spec.Name, out var value) ? (float)value : null;

    private static int Int(IReadOnlyDictionary<string, double> p, HyperParameterSpec spec, int fallback) =>
        p.TryGetValue(spec.Name, out var value) ? (int)value : fallback;

    private static double Real(IReadOnlyDictionary<string, double> p, HyperParameterSpec spec, double fallback) =>
        p.TryGetValue(spec.Name, out var value) ? value : fallback;

    private static float Single(IReadOnlyDictionary<string, double> p, HyperParameterSpec spec, float fallback) =>
        p.TryGetValue(spec.Name, out var value) ? (float)value : fallback;
}
