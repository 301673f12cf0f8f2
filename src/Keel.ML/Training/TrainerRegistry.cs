using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Keel.ML.Training;

/// <summary>
/// The trainers Keel offers by name, per task, with their hyper-parameters. Every trainer runs
/// single-threaded with a fixed seed so the same data and seed give the same model.
/// </summary>
public static partial class TrainerRegistry
{
    /// <summary>The column trainers read the label from.</summary>
    public const string LabelColumn = "Label";

    /// <summary>The column trainers read example weights from (class weights).</summary>
    public const string WeightColumn = "Weight";

    /// <summary>The column trainers read the feature vector from.</summary>
    public const string FeaturesColumn = "Features";

    private static readonly HyperParameterSpec Trees = new("number_of_trees", true, 1, 10_000);
    private static readonly HyperParameterSpec Iterations = new("number_of_iterations", true, 1, 10_000);
    private static readonly HyperParameterSpec Leaves = new("number_of_leaves", true, 2, 1_024);
    private static readonly HyperParameterSpec MinLeaf = new("minimum_example_count_per_leaf", true, 1, 100_000);
    private static readonly HyperParameterSpec LearningRate = new("learning_rate", false, 1e-6, 10);
    private static readonly HyperParameterSpec L1 = new("l1_regularization", false, 0, 1e6);
    private static readonly HyperParameterSpec L2 = new("l2_regularization", false, 0, 1e6);
    private static readonly HyperParameterSpec MaxIterations = new("maximum_number_of_iterations", true, 1, 1_000_000);
    private static readonly HyperParameterSpec Tolerance = new("optimization_tolerance", false, 1e-12, 1);

    private static readonly HyperParameterSpec[] TreeParams = [Trees, Leaves, MinLeaf, LearningRate];
    private static readonly HyperParameterSpec[] ForestParams = [Trees, Leaves, MinLeaf];
    private static readonly HyperParameterSpec[] LightGbmParams = [Iterations, Leaves, MinLeaf, LearningRate];
    private static readonly HyperParameterSpec[] SdcaParams = [L1, L2, MaxIterations];
    private static readonly HyperParameterSpec[] LbfgsParams = [L1, L2, Tolerance, MaxIterations];
    private static readonly HyperParameterSpec[] OgdParams = [LearningRate, Iterations, L2];

    private static readonly TrainerSpec[] All =
    [
        new("FastTree", MLTask.Binary, false, TreeParams, (c, p, s, w) => c.BinaryClassification.Trainers.FastTree(Tree<FastTreeBinaryTrainer.Options>(p, s, w))),
        new("LightGbm", MLTask.Binary, false, LightGbmParams, (c, p, s, w) => c.BinaryClassification.Trainers.LightGbm(Weighted(GbmBinary(p, s), w))),
        new("FastForest", MLTask.Binary, false, ForestParams, (c, p, s, w) => c.BinaryClassification.Trainers.FastForest(Forest<FastForestBinaryTrainer.Options>(p, s, w))),
        new("SdcaLogisticRegression", MLTask.Binary, true, SdcaParams, (c, p, s, w) => c.BinaryClassification.Trainers.SdcaLogisticRegression(Weighted(SdcaBinary(p), w))),
        new("LbfgsLogisticRegression", MLTask.Binary, true, LbfgsParams, (c, p, s, w) => c.BinaryClassification.Trainers.LbfgsLogisticRegression(Weighted(LbfgsBinary(p), w))),

        new("LightGbm", MLTask.Multiclass, false, LightGbmParams, (c, p, s, w) => c.MulticlassClassification.Trainers.LightGbm(Weighted(GbmMulticlass(p, s), w))),
        new("SdcaMaximumEntropy", MLTask.Multiclass, true, SdcaParams, (c, p, s, w) => c.MulticlassClassification.Trainers.SdcaMaximumEntropy(Weighted(SdcaMulticlass(p), w))),
        new("LbfgsMaximumEntropy", MLTask.Multiclass, true, LbfgsParams, (c, p, s, w) => c.MulticlassClassification.Trainers.LbfgsMaximumEntropy(Weighted(LbfgsMulticlass(p), w))),
        new("FastTree", MLTask.Multiclass, false, TreeParams, (c, p, s, w) => c.MulticlassClassification.Trainers.OneVersusAll(c.BinaryClassification.Trainers.FastTree(Tree<FastTreeBinaryTrainer.Options>(p, s, w)))),

        new("FastTree", MLTask.Regression, false, TreeParams, (c, p, s, w) => c.Regression.Trainers.FastTree(Tree<FastTreeRegressionTrainer.Options>(p, s, w))),
        new("LightGbm", MLTask.Regression, false, LightGbmParams, (c, p, s, w) => c.Regression.Trainers.LightGbm(Weighted(GbmRegression(p, s), w))),
        new("FastForest", MLTask.Regression, false, ForestParams, (c, p, s, w) => c.Regression.Trainers.FastForest(Forest<FastForestRegressionTrainer.Options>(p, s, w))),
        new("Sdca", MLTask.Regression, true, SdcaParams, (c, p, s, w) => c.Regression.Trainers.Sdca(Weighted(SdcaRegression(p), w))),
        new("OnlineGradientDescent", MLTask.Regression, true, OgdParams, (c, p, s, w) => c.Regression.Trainers.OnlineGradientDescent(Ogd(p))),
    ];

    /// <summary>Every trainer, in documentation order.</summary>
    public static IReadOnlyList<TrainerSpec> Trainers => All;

    /// <summary>The trainer with this name for this task, or null.</summary>
    public static TrainerSpec? Find(MLTask task, string name)
    {
        foreach (var spec in All)
        {
            if (spec.Task == task && string.Equals(spec.Name, name, StringComparison.Ordinal))
            {
                return spec;
            }
        }

        return null;
    }

    /// <summary>The trainer names for a task, for error messages.</summary>
    public static string NamesFor(MLTask task) => string.Join(", ", All.Where(s => s.Task == task).Select(s => s.Name));
}
