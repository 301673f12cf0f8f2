using System.Text.Json;
using Keel.Core.Errors;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.ML.Training;
using Microsoft.ML.Data;

namespace Keel.ML.Tests.Running;

// Date parts, derived columns, multiclass metrics and k-fold cross-validation, trained for real.
public sealed partial class TrainingRunnerModellingTests
{
    [Fact]
    public async Task DateParts_TheModelUsesOnlyTheChosenParts()
    {
        var table = await CsvDataLoader.LoadAsync(TestData.PathOf("chicago_ridership_500.csv"));
        var features = new[] { new FeatureColumn("date", ColumnKind.DateTime), new FeatureColumn("temp", ColumnKind.Numeric) };
        var label = new LabelEncoding(MLTask.Regression, []);
        var all = new TrainingData(table, features, label, "ridership");
        var monthOnly = all with { DateParts = new Dictionary<string, IReadOnlyList<string>> { ["date"] = ["month"] } };
        var context = new KeelMLContext(1);

        int Width(TrainingData data)
        {
            var model = context.Trainers.Fit(data, "FastTree", new Dictionary<string, double> { ["number_of_trees"] = 5 });
            return model.Transformer.GetOutputSchema(data.ToView().Schema)["Features"].Type is Microsoft.ML.Data.VectorDataViewType vector ? vector.Size : -1;
        }

        Assert.Equal(6, Width(all));        // five date parts and temp
        Assert.Equal(2, Width(monthOnly));  // month and temp
    }

    [Fact]
    public async Task DateParts_ServedRowsAreScoredLikeTrainingRows()
    {
        const string yaml = """
            name: chicago
            data:
              path: chicago_ridership_500.csv
              target: ridership
              task: regression
              columns: [date, temp, Clark_Lake]
              date_parts: {date: [day_of_week, month]}
            split: {train: 0.7, validation: 0.15, test: 0.15, time_column: date}
            trainer: {name: LightGbm, params: {number_of_iterations: 30}}
            """;

        var result = await RunAsync(yaml);

        var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        var served = scorer.Score(ExampleRows(result.PackageDirectory));
        for (var i = 0; i < served.Count; i++)
        {
            Assert.Equal(result.TestPredictions.PredictedValue[i], served[i].Value!.Value, 1e-5);
        }

        Assert.Equal(["Clark_Lake", "date", "temp"], result.FeatureImportance.Select(f => f.Feature).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Multiclass_LogsMacroAndPerClassScores_ThatAgreeWithEachOther()
    {
        const string yaml = """
            name: home
            data: {path: credit_data_600.csv, target: Home, task: multiclass}
            split: {train: 0.7, validation: 0.1, test: 0.2}
            trainer: {name: LightGbm, params: {number_of_iterations: 30}}
            thresholds: {macro_f1: 0.01, f1_class_owner: 0.3}
            importance: false
            """;

        var result = await RunAsync(yaml);

        var test = result.Metrics["test"];
        var perClassF1 = test.Where(m => m.Key.StartsWith("f1_class_", StringComparison.Ordinal)).Select(m => m.Value).ToList();
        Assert.NotEmpty(perClassF1);
        Assert.Equal(perClassF1.Average(), test[MetricNames.MacroF1], 1e-12);
        Assert.Contains("f1_class_owner", test.Keys);
        Assert.Contains("precision_class_rent", test.Keys);
    }

    [Fact]
    public async Task KFold_LogsMeanAndStdOfEveryMetric_AndTheFinalModelTrainsOnTheWholeTrainingSplit()
    {
        const string yaml = """
            name: credit
            data: {path: credit_data_600.csv, target: Status, task: binary}
            split: {kind: kfold, folds: 4, train: 0.8, validation: 0, test: 0.2, seed: 3}
            trainer: {name: FastTree, params: {number_of_trees: 10}}
            importance: false
            """;

        var result = await RunAsync(yaml);

        var cv = result.CrossValidation!;
        Assert.Equal(4, cv.Folds.Count);
        var metrics = cv.ToMetrics();
        foreach (var metric in MetricNames.For(MLTask.Binary))
        {
            var values = cv.Folds.Select(f => f[metric]).ToArray();
            var mean = values.Average();
            Assert.Equal(mean, metrics[$"cv_{metric}_mean"], 1e-12);
            Assert.Equal(Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average()), metrics[$"cv_{metric}_std"], 1e-12);
        }

        Assert.True(metrics["cv_roc_auc_mean"] > 0.6);
        Assert.True(metrics["cv_roc_auc_std"] > 0);
        Assert.Equal((480, 0, 120), (result.Splits.Train, result.Splits.Validation, result.Splits.Test));
        Assert.Equal("kfold:4", result.Metadata.Hyperparameters["split_kind"].ToString());
        Assert.True(result.Timings.ContainsKey("cross_validation"));
    }

    [Fact]
    public void KFold_Summary_IsTheMeanAndPopulationStd_HandComputed()
    {
        var summary = CrossValidationResult.Summarize(
        [
            new Dictionary<string, double> { ["r2_score"] = 0.5, ["f1_class_a"] = 1 },
            new Dictionary<string, double> { ["r2_score"] = 0.7 },
            new Dictionary<string, double> { ["r2_score"] = 0.9, ["f1_class_a"] = double.NaN },
        ]);

        // numpy: np.mean([.5, .7, .9]) = 0.7, np.std([.5, .7, .9]) = sqrt(0.08 / 3).
        Assert.Equal(0.7, summary.Mean["r2_score"], 1e-12);
        Assert.Equal(Math.Sqrt(0.08 / 3), summary.Std["r2_score"], 1e-12);
        Assert.Equal(1, summary.Mean["f1_class_a"]);
        Assert.Equal(0, summary.Std["f1_class_a"]);
    }

    [Fact]
    public void KFold_StratifiedFolds_SplitEachClassEvenly()
    {
        string?[] classes = [.. Enumerable.Repeat("a", 10), .. Enumerable.Repeat("b", 5)];

        var folds = CrossValidationResult.AssignFolds(classes.Length, 5, 1, classes);

        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(2, Enumerable.Range(0, 10).Count(i => folds[i] == k));
            Assert.Equal(1, Enumerable.Range(10, 5).Count(i => folds[i] == k));
        }
    }

    [Fact]
    public async Task Derived_ColumnsAreComputedInsideTheModel_AsWritten_AndServedAlike()
    {
        const string yaml = """
            name: credit
            data:
              path: credit_data_600.csv
              target: Status
              task: binary
              derived:
                debt_ratio: Debt / Income
                log_amount: log1p(Amount)
                margin: (Price - Amount) * 2
            split: {train: 0.6, validation: 0.2, test: 0.2, seed: 11}
            trainer: {name: FastTree, params: {number_of_trees: 20}}
            importance: false
            """;

        var result = await RunAsync(yaml);

        // The signature holds the file's columns only; the model computes the rest.
        Assert.DoesNotContain(result.Metadata.Signature.Inputs, c => c.Name is "debt_ratio" or "log_amount" or "margin");
        var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        var served = scorer.Score(ExampleRows(result.PackageDirectory));
        for (var i = 0; i < served.Count; i++)
        {
            Assert.Equal(result.TestPredictions.Probabilities[i][1], served[i].Probability!.Value, 1e-6);
        }

        // The values, by hand: Debt / Income, ln(1 + Amount), (Price - Amount) * 2; Income 0 is missing.
        var context = new Microsoft.ML.MLContext(0);
        var model = context.Model.Load(Path.Combine(result.PackageDirectory, "model.zip"), out _);
        var table = await CsvDataLoader.LoadAsync(TestData.PathOf("credit_data_600.csv"));
        var features = table.Columns.Where(c => c.Name != "Status").Select(c => new FeatureColumn(c.Name, c.Kind)).ToList();
        var view = model.Transform(ViewBuilder.Build(table, features, null, null));
        var ratio = view.GetColumn<float>("debt_ratio").ToArray();
        var logAmount = view.GetColumn<float>("log_amount").ToArray();
        var margin = view.GetColumn<float>("margin").ToArray();
        var debt = table["Debt"].Numbers!;
        var income = table["Income"].Numbers!;
        var amount = table["Amount"].Numbers!;
        var price = table["Price"].Numbers!;
        for (var r = 0; r < table.RowCount; r++)
        {
            if (income[r] != 0 && !double.IsNaN(income[r]) && !double.IsNaN(debt[r]))
            {
                Assert.Equal((float)debt[r] / (float)income[r], ratio[r], 1e-5);
            }

            Assert.Equal(Math.Log(1 + amount[r]), logAmount[r], 1e-4);
            Assert.Equal((price[r] - amount[r]) * 2, margin[r], 1e-3);
        }

        // Income 0: Debt / 0 is not a finite number, so the ratio is missing (the training mean), not infinity.
        var row = new Dictionary<string, JsonElement>(ExampleRows(result.PackageDirectory)[0]) { ["Income"] = JsonDocument.Parse("0").RootElement };
        var ratioColumn = result.Pipeline.Data.Derived[0];
        var zero = ViewBuilder.Build(CsvDataLoader.Build(["Debt", "Income"], [["100", "100"], ["0", "4"]]), [new FeatureColumn("Debt", ColumnKind.Numeric), new FeatureColumn("Income", ColumnKind.Numeric)], null, null);
        var computed = Microsoft.ML.ExpressionCatalog.Expression(context.Transforms, "r", ratioColumn.MLNetExpression, [.. ratioColumn.Sources]).Fit(zero).Transform(zero).GetColumn<float>("r").ToArray();
        Assert.True(float.IsNaN(computed[0]));
        Assert.Equal(25f, computed[1]);
        var prediction = Assert.Single(scorer.Score([row]));
        Assert.True(double.IsFinite(prediction.Probability!.Value));
    }

    [Fact]
    public async Task Derived_FromATextColumn_IsRefusedBeforeTraining()
    {
        const string yaml = "name: c\ndata:\n  path: credit_data_600.csv\n  target: Status\n  task: binary\n  derived: {x: Home * 2, Age: Age + 1}\ntrainer: {name: FastTree}\n";

        var error = await Assert.ThrowsAsync<KeelException>(() => RunAsync(yaml));

        Assert.Contains("data.derived.x: 'Home' holds categorical values; expected numeric", error.Message);
        Assert.Contains("data.derived.Age: the name is already a column", error.Message);
    }
}
