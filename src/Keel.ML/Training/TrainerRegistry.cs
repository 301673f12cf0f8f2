using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.ML.Training;

/// <summary>
/// The trainers Keel offers by name, per task, with their hyper-parameters: every numeric and
/// boolean field of the ML.NET trainer's <c>Options</c> class (see <see cref="HyperParameterSpec"/>).
/// Every trainer runs single-threaded with a fixed seed so the same data and seed give the same model.
/// </summary>
public static partial class TrainerRegistry
{
    /// <summary>The column trainers read the label from.</summary>
    public const string LabelColumn = "Label";

    /// <summary>The column trainers read example weights from (class weights).</summary>
    public const string WeightColumn = "Weight";

    /// <summary>The column trainers read the feature vector from.</summary>
    public const string FeaturesColumn = "Features";

    private static readonly TrainerSpec[] All =
    [
        Spec<FastTreeBinaryTrainer.Options>("FastTree", MLTask.Binary, false, true, (c, o) => c.BinaryClassification.Trainers.FastTree(o)),
        Spec<LightGbmBinaryTrainer.Options>("LightGbm", MLTask.Binary, false, true, (c, o) => c.BinaryClassification.Trainers.LightGbm(o)),
        Spec<FastForestBinaryTrainer.Options>("FastForest", MLTask.Binary, false, true, (c, o) => c.BinaryClassification.Trainers.FastForest(o)),
        Spec<SdcaLogisticRegressionBinaryTrainer.Options>("SdcaLogisticRegression", MLTask.Binary, true, false, (c, o) => c.BinaryClassification.Trainers.SdcaLogisticRegression(o)),
        Spec<LbfgsLogisticRegressionBinaryTrainer.Options>("LbfgsLogisticRegression", MLTask.Binary, true, false, (c, o) => c.BinaryClassification.Trainers.LbfgsLogisticRegression(o)),

        Spec<LightGbmMulticlassTrainer.Options>("LightGbm", MLTask.Multiclass, false, true, (c, o) => c.MulticlassClassification.Trainers.LightGbm(o)),
        Spec<SdcaMaximumEntropyMulticlassTrainer.Options>("SdcaMaximumEntropy", MLTask.Multiclass, true, false, (c, o) => c.MulticlassClassification.Trainers.SdcaMaximumEntropy(o)),
        Spec<LbfgsMaximumEntropyMulticlassTrainer.Options>("LbfgsMaximumEntropy", MLTask.Multiclass, true, false, (c, o) => c.MulticlassClassification.Trainers.LbfgsMaximumEntropy(o)),
        Spec<FastTreeBinaryTrainer.Options>("FastTree", MLTask.Multiclass, false, true, (c, o) => c.MulticlassClassification.Trainers.OneVersusAll(c.BinaryClassification.Trainers.FastTree(o))),

        Spec<FastTreeRegressionTrainer.Options>("FastTree", MLTask.Regression, false, true, (c, o) => c.Regression.Trainers.FastTree(o)),
        Spec<LightGbmRegressionTrainer.Options>("LightGbm", MLTask.Regression, false, true, (c, o) => c.Regression.Trainers.LightGbm(o)),
        Spec<FastForestRegressionTrainer.Options>("FastForest", MLTask.Regression, false, true, (c, o) => c.Regression.Trainers.FastForest(o)),
        Spec<SdcaRegressionTrainer.Options>("Sdca", MLTask.Regression, true, false, (c, o) => c.Regression.Trainers.Sdca(o)),
        Spec<OnlineGradientDescentTrainer.Options>("OnlineGradientDescent", MLTask.Regression, true, false, (c, o) => c.Regression.Trainers.OnlineGradientDescent(o)),
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

    /// <summary>A trainer over ML.NET options type <typeparamref name="T"/>; <paramref name="seeded"/> trainers get the pipeline's seed.</summary>
    private static TrainerSpec Spec<T>(string name, MLTask task, bool normalize, bool seeded, Func<MLContext, T, IEstimator<ITransformer>> create)
        where T : class, new()
    {
        var parameters = TrainerOptions.Describe(typeof(T));
        return new TrainerSpec(name, task, normalize, parameters,
            (context, values, seed, weightColumn) => create(context, (T)TrainerOptions.Create(typeof(T), parameters, values, seeded ? seed : null, weightColumn)))
        {
            OptionsType = typeof(T),
        };
    }
}
