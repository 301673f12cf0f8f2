using Keel.Core.Errors;
using Keel.ML.Pipeline;

namespace Keel.ML.Tests.Pipeline;

/// <summary>The modeller's options in the pipeline file: test file, target transform, date parts, derived columns, folds, class weights, importance, trainer options.</summary>
public class PipelineParserModellingTests
{
    [Fact]
    public void Parse_ModellingOptions_AreRead()
    {
        var p = PipelineParser.Parse("""
            name: p
            data:
              path: d.csv
              test_path: holdout/t.csv
              target: y
              task: regression
              target_transform: log1p
              date_parts: {when: [month, year]}
            split: {kind: kfold, folds: 3}
            trainer: {name: FastTree}
            importance: false
            """, "/data/p/pipeline.yaml");

        Assert.Equal(Path.GetFullPath("/data/p/holdout/t.csv"), p.Data.TestPath);
        Assert.Equal(TargetTransform.Log1p, p.Data.TargetTransform);
        Assert.Equal(["year", "month"], p.Data.DateParts["when"]);
        Assert.Equal((SplitKind.KFold, 3), (p.Split.Kind, p.Split.Folds));
        Assert.Equal((0.9, 0.1, 0.0), (p.Split.Train, p.Split.Validation, p.Split.Test));
        Assert.Equal(ImportanceMethod.None, p.Importance);
        Assert.Null(p.Trainer.ClassWeights);
    }

    [Fact]
    public void Parse_ClassWeights_BalancedOrByClass()
    {
        var balanced = PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer: {name: FastTree, class_weights: balanced}\n");
        var explicitWeights = PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer: {name: FastTree, class_weights: {bad: 3}}\n");

        Assert.True(balanced.Trainer.ClassWeights!.Balanced);
        Assert.Equal(3, explicitWeights.Trainer.ClassWeights!.Weights["bad"]);
    }

    [Fact]
    public void Parse_BadModellingOptions_AreAllReportedWithTheirLines()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("""
            name: p
            data:
              path: d.csv
              test_path: t.csv
              target: y
              task: binary
              target_transform: sqrt
              date_parts: {when: [month, week]}
            split: {kind: kfold, folds: 30, test: 0.2, train: 0.8}
            trainer:
              name: FastTree
              class_weights: {bad: -1}
            importance: shap
            """));

        Assert.Contains("line 7: data.target_transform: expected none, log or log1p", error.Message);
        Assert.Contains("line 8: data.date_parts.when: unknown part 'week'", error.Message);
        Assert.Contains("line 9: split.folds: expected a whole number from 2 to 20", error.Message);
        Assert.Contains("line 9: split.test: expected 0 or nothing with data.test_path", error.Message);
        Assert.Contains("line 12: trainer.class_weights.bad: expected a weight above 0", error.Message);
        Assert.Contains("line 13: importance: expected permutation or false", error.Message);
    }

    [Fact]
    public void Parse_LogTargetForClassification_AndClassWeightsForRegression_AreRefused()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: binary, target_transform: log}\ntrainer: {name: FastTree}\n"));
        var weights = Assert.Throws<KeelException>(() => PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: regression}\ntrainer: {name: FastTree, class_weights: balanced}\n"));

        Assert.Contains("line 2: data.target_transform: expected only with task: regression", error.Message);
        Assert.Contains("line 3: trainer.class_weights: expected only with task: binary or multiclass", weights.Message);
    }

    [Fact]
    public void Parse_TrainerParams_TakeEveryMLNetOption_ByEitherName_AndBooleans()
    {
        var p = PipelineParser.Parse("""
            name: p
            data: {path: d.csv, target: y, task: binary}
            trainer:
              name: LightGbm
              params: {FeatureFraction: 0.8, l2_regularization: 2, use_zero_as_missing_value: true, maximum_bin_count_per_feature: 63}
            """);

        Assert.Equal(0.8, p.Trainer.Parameters["feature_fraction"]);
        Assert.Equal(2, p.Trainer.Parameters["l2_regularization"]);
        Assert.Equal(1, p.Trainer.Parameters["use_zero_as_missing_value"]);
        Assert.Equal(63, p.Trainer.Parameters["maximum_bin_count_per_feature"]);
    }

    [Fact]
    public void Parse_BadTrainerParams_NameTheClosestOption_AndML_NETsOwnChecks()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("""
            name: p
            data: {path: d.csv, target: y, task: binary}
            trainer:
              name: LightGbm
              params:
                number_of_leafs: 8
                feature_fraction: 2
                use_zero_as_missing_value: maybe
                number_of_iterations: 2.5
            """));

        Assert.Contains("line 6: trainer.params.number_of_leafs: unknown hyper-parameter for LightGbm; did you mean number_of_leaves?", error.Message);
        Assert.Contains("line 7: trainer.params.feature_fraction: expected a number in [1E-06, 1]", error.Message);
        Assert.Contains("line 8: trainer.params.use_zero_as_missing_value: expected", error.Message);
        Assert.Contains("line 9: trainer.params.number_of_iterations: expected a whole number", error.Message);
    }

    [Fact]
    public void Parse_ValuesMLNetRefuses_AreReportedWhileReading()
    {
        // In range for Keel's generic check, refused by ML.NET's own argument check.
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer:\n  name: LbfgsLogisticRegression\n  params: {history_size: 0}\n"));

        Assert.Contains("line 5: trainer.params: ML.NET refuses these values:", error.Message);
    }

    [Theory]
    [InlineData("Debt / Income", "(p0, p1) => with(v = p0 / p1; v - v == 0 ? v : na(v))", "Debt,Income")]
    [InlineData("log1p(Amount) - log(`unit price`)", "(p0, p1) => with(v = ln(1.0 + (p0)) - ln(p1); v - v == 0 ? v : na(v))", "Amount,unit price")]
    [InlineData("-(a + 2) * a", "(p0) => with(v = -(p0 + 2.0) * p0; v - v == 0 ? v : na(v))", "a")]
    public void Derived_Grammar_TranslatesToMLNetsExpressionLanguage(string expression, string expected, string sources)
    {
        var column = DerivedColumn.TryParse("x", expression, out var error);

        Assert.Null(error);
        Assert.Equal(expected, column!.MLNetExpression);
        Assert.Equal(sources.Split(','), column.Sources);
    }

    [Fact]
    public void Derived_BadExpressions_AreReportedWithTheirLines()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("""
            name: p
            data:
              path: d.csv
              target: y
              task: binary
              derived:
                a: Debt / (Income
                b: system(Debt)
                c: 3 * 4
                d: Debt ; rm
            trainer: {name: FastTree}
            """));

        Assert.Contains("line 7: data.derived.a: at character 15: expected ')'", error.Message);
        Assert.Contains("line 8: data.derived.b: at character 7: unknown function 'system'", error.Message);
        Assert.Contains("line 9: data.derived.c: expected at least one column", error.Message);
        Assert.Contains("line 10: data.derived.d: at character 6: unexpected ';'", error.Message);
    }

    [Fact]
    public void Parse_OnnxWithATargetTransform_IsRefusedBeforeTraining()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: regression, target_transform: log}\ntrainer: {name: FastTree}\nonnx: true\n"));

        Assert.Contains("line 4: onnx: expected false with data.derived or data.target_transform", error.Message);
    }
}
