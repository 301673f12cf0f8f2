using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.ML.Training;

public static partial class TrainerRegistry
{
    private static T Tree<T>(IReadOnlyDictionary<string, double> p, int seed)
        where T : BoostedTreeOptions, new()
    {
        var options = Base<T>(seed);
        options.NumberOfTrees = Int(p, Trees, options.NumberOfTrees);
        options.NumberOfLeaves = Int(p, Leaves, options.NumberOfLeaves);
        options.MinimumExampleCountPerLeaf = Int(p, MinLeaf, options.MinimumExampleCountPerLeaf);
        options.LearningRate = Real(p, LearningRate, options.LearningRate);
        return options;
    }

    private static T Forest<T>(IReadOnlyDictionary<string, double> p, int seed)
        where T : TreeOptions, new()
    {
        var options = Base<T>(seed);
        options.NumberOfTrees = Int(p, Trees, options.NumberOfTrees);
        options.NumberOfLeaves = Int(p, Leaves, options.NumberOfLeaves);
        options.MinimumExampleCountPerLeaf = Int(p, MinLeaf, options.MinimumExampleCountPerLeaf);
        return options;
    }

    private static T Base<T>(int seed)
        where T : TreeOptions, new() => new()
        {
            LabelColumnName = LabelColumn,
            FeatureColumnName = FeaturesColumn,
            Seed = seed,
            NumberOfThreads = 1,
        };

    private static LightGbmBinaryTrainer.Options GbmBinary(IReadOnlyDictionary<string, double> p, int seed)
    {
        var o = new LightGbmBinaryTrainer.Options { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true };
        o.NumberOfIterations = Int(p, Iterations, o.NumberOfIterations);
        o.NumberOfLeaves = NullableInt(p, Leaves, o.NumberOfLeaves);
        o.MinimumExampleCountPerLeaf = NullableInt(p, MinLeaf, o.MinimumExampleCountPerLeaf);
        o.LearningRate = NullableReal(p, LearningRate, o.LearningRate);
        return o;
    }

    private static LightGbmMulticlassTrainer.Options GbmMulticlass(IReadOnlyDictionary<string, double> p, int seed)
    {
        var o = new LightGbmMulticlassTrainer.Options { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true };
        o.NumberOfIterations = Int(p, Iterations, o.NumberOfIterations);
        o.NumberOfLeaves = NullableInt(p, Leaves, o.NumberOfLeaves);
        o.MinimumExampleCountPerLeaf = NullableInt(p, MinLeaf, o.MinimumExampleCountPerLeaf);
        o.LearningRate = NullableReal(p, LearningRate, o.LearningRate);
        return o;
    }

    private static LightGbmRegressionTrainer.Options GbmRegression(IReadOnlyDictionary<string, double> p, int seed)
    {
        var o = new LightGbmRegressionTrainer.Options { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true };
        o.NumberOfIterations = Int(p, Iterations, o.NumberOfIterations);
        o.NumberOfLeaves = NullableInt(p, Leaves, o.NumberOfLeaves);
        o.MinimumExampleCountPerLeaf = NullableInt(p, MinLeaf, o.MinimumExampleCountPerLeaf);
        o.LearningRate = NullableReal(p, LearningRate, o.LearningRate);
        return o;
    }

    private static SdcaLogisticRegressionBinaryTrainer.Options SdcaBinary(IReadOnlyDictionary<string, double> p) => new()
    {
        LabelColumnName = LabelColumn,
        FeatureColumnName = FeaturesColumn,
        NumberOfThreads = 1,
        L1Regularization = NullableSingle(p, L1),
        L2Regularization = NullableSingle(p, L2),
        MaximumNumberOfIterations = NullableInt(p, MaxIterations, null),
    };

    private static SdcaMaximumEntropyMulticlassTrainer.Options SdcaMulticlass(IReadOnlyDictionary<string, double> p) => new()
    {
        LabelColumnName = LabelColumn,
        FeatureColumnName = FeaturesColumn,
        NumberOfThreads = 1,
        L1Regularization = NullableSingle(p, L1),
        L2Regularization = NullableSingle(p, L2),
        MaximumNumberOfIterations = NullableInt(p, MaxIterations, null),
    };

    private static SdcaRegressionTrainer.Options SdcaRegression(IReadOnlyDictionary<string, double> p) => new()
    {
        LabelColumnName = LabelColumn,
        FeatureColumnName = FeaturesColumn,
        NumberOfThreads = 1,
        L1Regularization = NullableSingle(p, L1),
        L2Regularization = NullableSingle(p, L2),
        MaximumNumberOfIterations = NullableInt(p, MaxIterations, null),
    };

    private static LbfgsLogisticRegressionBinaryTrainer.Options LbfgsBinary(IReadOnlyDictionary<string, double> p)
    {
        var o = new LbfgsLogisticRegressionBinaryTrainer.Options { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1 };
        o.L1Regularization = Single(p, L1, o.L1Regularization);
        o.L2Regularization = Single(p, L2, o.L2Regularization);
        o.OptimizationTolerance = Single(p, Tolerance, o.OptimizationTolerance);
        o.MaximumNumberOfIterations = Int(p, MaxIterations, o.MaximumNumberOfIterations);
        return o;
    }

    private static LbfgsMaximumEntropyMulticlassTrainer.Options LbfgsMulticlass(IReadOnlyDictionary<string, double> p)
    {
        var o = new LbfgsMaximumEntropyMulticlassTrainer.Options { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1 };
        o.L1Regularization = Single(p, L1, o.L1Regularization);
        o.L2Regularization = Single(p, L2, o.L2Regularization);
        o.OptimizationTolerance = Single(p, Tolerance, o.OptimizationTolerance);
        o.MaximumNumberOfIterations = Int(p, MaxIterations, o.MaximumNumberOfIterations);
        return o;
    }

    private static OnlineGradientDescentTrainer.Options Ogd(IReadOnlyDictionary<string, double> p)
    {
        var o = new OnlineGradientDescentTrainer.Options { LabelColumnName = LabelColumn, FeatureColumnName = FeaturesColumn };
        o.LearningRate = Single(p, LearningRate, o.LearningRate);
        o.NumberOfIterations = Int(p, Iterations, o.NumberOfIterations);
        o.L2Regularization = Single(p, L2, o.L2Regularization);
        return o;
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
