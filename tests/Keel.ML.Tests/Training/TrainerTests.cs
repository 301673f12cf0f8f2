using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Tests.Training;

public class TrainerTests
{
    private static async Task<(TrainingData Train, TrainingData Test)> LoadAsync(string file, string target, MLTask task, params string[] drop)
    {
        var table = await CsvDataLoader.LoadAsync(TestData.PathOf(file));
        var data = new DataSection { Path = file, Target = target, Task = task };
        var label = LabelEncoding.Create(data, table);
        var classes = label.ClassOf(table, target);
        var rows = Enumerable.Range(0, table.RowCount).Where(i => classes[i] is not null).ToArray();
        table = table.Take(rows);
        var features = table.Columns.Where(c => c.Name != target && !drop.Contains(c.Name)).Select(c => new FeatureColumn(c.Name, c.Kind)).ToList();
        var split = DataSplitter.Random(table.RowCount, 0.75, 0, seed: 3);
        var all = new TrainingData(table, features, label, target);
        return (all.WithTable(table.Take(split.Train)), all.WithTable(table.Take(split.Test)));
    }

    [Theory]
    [InlineData("FastTree")]
    [InlineData("LightGbm")]
    [InlineData("FastForest")]
    [InlineData("SdcaLogisticRegression")]
    [InlineData("LbfgsLogisticRegression")]
    public async Task Binary_BreastCancer_EveryTrainerLearns(string trainer)
    {
        var (train, test) = await LoadAsync("breast_cancer_wdbc.csv", "target", MLTask.Binary, "diagnosis");
        var context = new KeelMLContext(seed: 1);

        var model = context.Trainers.Fit(train, trainer);
        var metrics = context.Evaluation.Evaluate(model, test);

        // The data set is nearly separable; every listed trainer reaches > 0.9 accuracy and AUC.
        Assert.True(metrics[MetricNames.Accuracy] > 0.9, $"{trainer}: accuracy {metrics[MetricNames.Accuracy]}");
        Assert.True(metrics[MetricNames.RocAuc] > 0.9, $"{trainer}: roc_auc {metrics[MetricNames.RocAuc]}");
    }

    [Theory]
    [InlineData("FastTree")]
    [InlineData("LightGbm")]
    [InlineData("SdcaMaximumEntropy")]
    [InlineData("LbfgsMaximumEntropy")]
    public async Task Multiclass_CreditHome_EveryTrainerBeatsNothing(string trainer)
    {
        // Home (rent, owner, parents, ...) from the other credit columns, with missing values and categoricals.
        var (train, test) = await LoadAsync("credit_data_600.csv", "Home", MLTask.Multiclass);
        var context = new KeelMLContext(seed: 1);

        var model = context.Trainers.Fit(train, trainer, new Dictionary<string, double>());
        var predictions = context.Evaluation.Predict(model, test);
        var metrics = MetricsCalculator.Compute(predictions, model.Label.Classes.Count);

        Assert.True(model.Label.Classes.Count >= 3);
        Assert.InRange(metrics[MetricNames.Accuracy], 0.3, 1.0);
        Assert.All(predictions.Probabilities, row => Assert.Equal(1.0, row.Sum(), 1e-4));
    }

    [Theory]
    [InlineData("FastTree")]
    [InlineData("LightGbm")]
    [InlineData("FastForest")]
    [InlineData("Sdca")]
    [InlineData("OnlineGradientDescent")]
    public async Task Regression_Chicago_EveryTrainerBeatsTheMean(string trainer)
    {
        var (train, test) = await LoadAsync("chicago_ridership_500.csv", "ridership", MLTask.Regression);
        var context = new KeelMLContext(seed: 1);

        var model = context.Trainers.Fit(train, trainer);
        var metrics = context.Evaluation.Evaluate(model, test);

        // R² > 0 means better than predicting the test mean; weekday effects make this easy.
        Assert.True(metrics[MetricNames.R2] > 0.3, $"{trainer}: r2 {metrics[MetricNames.R2]}");
    }

    [Fact]
    public async Task Fit_UnknownParameter_IsRefused()
    {
        var (train, _) = await LoadAsync("breast_cancer_wdbc.csv", "target", MLTask.Binary, "diagnosis");

        var error = Assert.Throws<Keel.Core.Errors.KeelException>(() =>
            new KeelMLContext().Trainers.Fit(train, "FastTree", new Dictionary<string, double> { ["depth"] = 3, ["number_of_trees"] = 0 }));

        Assert.Contains("depth: unknown hyper-parameter", error.Message);
        Assert.Contains("number_of_trees: expected a whole number in [1, 10000]", error.Message);
    }

    [Fact]
    public async Task LightGbmBoosterOptions_ReachTheTrainer()
    {
        var (train, test) = await LoadAsync("breast_cancer_wdbc.csv", "target", MLTask.Binary, "diagnosis");
        var context = new KeelMLContext(seed: 1);

        var plain = context.Evaluation.Predict(context.Trainers.Fit(train, "LightGbm"), test);
        var regularised = context.Evaluation.Predict(context.Trainers.Fit(train, "LightGbm", new Dictionary<string, double> { ["l2_regularization"] = 1000, ["FeatureFraction"] = 0.5 }), test);

        // Heavy L2 on the leaves pulls every probability towards the prior.
        Assert.NotEqual(plain.PositiveProbability(), regularised.PositiveProbability());
        Assert.True(regularised.PositiveProbability().Max() < plain.PositiveProbability().Max());
    }

    [Fact]
    public async Task FastTreeFeatureFraction_ReachesTheTrainer()
    {
        var (train, test) = await LoadAsync("credit_data_600.csv", "Status", MLTask.Binary);
        var context = new KeelMLContext(seed: 1);

        var plain = context.Evaluation.Predict(context.Trainers.Fit(train, "FastTree", new Dictionary<string, double> { ["number_of_trees"] = 10 }), test);
        var sampled = context.Evaluation.Predict(context.Trainers.Fit(train, "FastTree", new Dictionary<string, double> { ["number_of_trees"] = 10, ["feature_fraction"] = 0.3 }), test);

        Assert.NotEqual(plain.PositiveProbability(), sampled.PositiveProbability());
    }
}
