using Keel.Core.Errors;
using MetricThreshold = Keel.Core.Validation.Gates.MetricThreshold;
using Keel.ML.Pipeline;

namespace Keel.ML.Tests.Pipeline;

public class PipelineParserTests
{
    private const string Full = """
        name: credit-scoring
        experiment: credit
        data:
          path: credit_data_600.csv
          target: Status
          task: binary
          positive_class: bad
          drop: [Time]
          types:
            Records: categorical
        split:
          train: 0.6
          validation: 0.2
          test: 0.2
          seed: 7
          stratified: true
        trainer:
          name: LightGbm
          params:
            number_of_iterations: 50
            learning_rate: 0.1
        sweep:
          method: grid
          metric: roc_auc
          params:
            number_of_leaves: [4, 8]
        thresholds:
          roc_auc: 0.7
          log_loss: {max: 0.6}
        registration:
          model_name: credit-model
          alias: challenger
        """;

    [Fact]
    public void Parse_FullExample_ReadsEverySection()
    {
        var p = PipelineParser.Parse(Full, TestData.PipelinePath);

        Assert.Equal("credit-scoring", p.Name);
        Assert.Equal("credit", p.Experiment);
        Assert.Equal(TestData.PathOf("credit_data_600.csv"), p.Data.Path);
        Assert.Equal(MLTask.Binary, p.Data.Task);
        Assert.Equal("bad", p.Data.PositiveClass);
        Assert.Equal(["Time"], p.Data.Drop);
        Assert.Equal(ColumnKind.Categorical, p.Data.Types["Records"]);
        Assert.Equal(0.6, p.Split.Train);
        Assert.Equal(7, p.Split.Seed);
        Assert.True(p.Split.Stratified);
        Assert.Equal("LightGbm", p.Trainer.Name);
        Assert.Equal(50, p.Trainer.Parameters["number_of_iterations"]);
        Assert.Equal(SweepMethod.Grid, p.Sweep!.Method);
        Assert.Equal([4.0, 8.0], p.Sweep.Parameters["number_of_leaves"].Values);
        Assert.Equal(new MetricThreshold("roc_auc") { Threshold = 0.7, GreaterIsBetter = true }, p.Thresholds["roc_auc"]);
        Assert.Equal(new MetricThreshold("log_loss") { Threshold = 0.6, GreaterIsBetter = false }, p.Thresholds["log_loss"]);
        Assert.Equal(new RegistrationSection("credit-model", "challenger", null), p.Registration);
    }

    [Fact]
    public void Parse_Defaults_AreStratifiedEightyTenTen()
    {
        var p = PipelineParser.Parse("name: a\ndata: {path: x.csv, target: y, task: multiclass}\ntrainer: {name: LightGbm}\n");

        Assert.Equal((0.8, 0.1, 0.1, 42, true), (p.Split.Train, p.Split.Validation, p.Split.Test, p.Split.Seed, p.Split.Stratified));
        Assert.Equal("a", p.Experiment);
        Assert.Null(p.Sweep);
    }

    [Fact]
    public void Parse_BadFile_ReportsEveryProblemWithItsLine()
    {
        const string bad = """
            name: broken
            colour: blue
            data:
              path: data.csv
              target: y
              task: regression
              types: {a: enum}
            split:
              train: 0.7
              validation: 0.2
              test: 0.2
              seed: abc
              stratified: true
            trainer:
              name: SdcaLogisticRegression
            thresholds:
              accuracy_score: 0.9
            """;

        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse(bad));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("line 2: colour: unknown key", error.Message);
        Assert.Contains("line 7: data.types.a: expected numeric, categorical, text or datetime", error.Message);
        Assert.Contains("line 9: split: expected train + validation + test = 1", error.Message);
        Assert.Contains("line 12: split.seed: expected a whole number", error.Message);
        Assert.Contains("line 13: split.stratified: expected false for regression", error.Message);
        Assert.Contains("line 15: trainer.name: unknown trainer 'SdcaLogisticRegression' for task regression", error.Message);
        Assert.Contains("line 17: thresholds.accuracy_score: unknown metric for this task", error.Message);
        Assert.Contains("7 problem(s)", error.Message);
        var lines = error.Message.Split('\n').Skip(1).Select(l => int.Parse(l.Split(':')[0]["line ".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(lines.Order(), lines);
    }

    [Fact]
    public void Parse_ChangeThresholds_AndChampion_AreRead()
    {
        var p = PipelineParser.Parse("""
            name: p
            data: {path: d.csv, target: y, task: binary}
            trainer: {name: FastTree}
            thresholds:
              roc_auc: {min: 0.7, min_absolute_change: 0.01, min_relative_change: 0.02}
            registration: {model_name: m, alias: challenger, champion: Production}
            """);

        Assert.Equal(new MetricThreshold("roc_auc") { Threshold = 0.7, MinAbsoluteChange = 0.01, MinRelativeChange = 0.02, GreaterIsBetter = true }, p.Thresholds["roc_auc"]);
        Assert.True(p.Thresholds["roc_auc"].HasChangeThreshold);
        Assert.Equal("Production", p.Registration!.Champion);
        Assert.Equal("@champion", PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer: {name: FastTree}\nregistration: {model_name: m}\n").Registration!.Champion);
    }

    [Fact]
    public void Parse_BadChangeThresholds_AreReported()
    {
        const string bad = """
            name: p
            data: {path: d.csv, target: y, task: binary}
            trainer: {name: FastTree}
            thresholds:
              roc_auc: {min_absolute_change: -0.1}
              log_loss: {min_relative_change: 2}
              accuracy_score: {minimum: 0.5}
            """;

        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse(bad));

        Assert.Contains("line 5: thresholds.roc_auc.min_absolute_change: expected a positive number", error.Message);
        Assert.Contains("line 6: thresholds.log_loss.min_relative_change: expected a number between 0 and 1", error.Message);
        Assert.Contains("line 7: thresholds.accuracy_score.minimum: unknown key", error.Message);
        var noRegistration = Assert.Throws<KeelException>(() => PipelineParser.Parse(
            "name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer: {name: FastTree}\nthresholds:\n  roc_auc: {min_relative_change: 0.1}\n"));
        Assert.Contains("line 5: thresholds: min_absolute_change and min_relative_change compare with a registered champion", noRegistration.Message);
    }

    [Fact]
    public void Parse_BadChampion_IsReported()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse(
            "name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer: {name: FastTree}\nregistration: {model_name: m, champion: best}\n"));

        Assert.Contains("registration.champion: expected @alias (e.g. @champion) or a stage", error.Message);
    }

    [Fact]
    public void Parse_UnknownAndOutOfRangeHyperParameters_AreReported()
    {
        const string bad = """
            name: p
            data: {path: d.csv, target: y, task: binary}
            trainer:
              name: FastTree
              params:
                number_of_trees: 2.5
                depth: 3
                learning_rate: fast
            sweep:
              method: grid
              params:
                number_of_leaves: {min: 2, max: 8}
            """;

        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse(bad));

        Assert.Contains("line 6: trainer.params.number_of_trees: expected a whole number", error.Message);
        Assert.Contains("line 7: trainer.params.depth: unknown hyper-parameter for FastTree", error.Message);
        Assert.Contains("line 8: trainer.params.learning_rate: expected a number", error.Message);
        Assert.Contains("line 12: sweep.params.number_of_leaves: expected a list of values (ranges need method: random)", error.Message);
    }

    [Fact]
    public void Parse_MissingSections_AreReported()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("experiment: e\n"));

        Assert.Contains("line 1: name: missing", error.Message);
        Assert.Contains("line 1: data: missing", error.Message);
        Assert.Contains("line 1: trainer: missing", error.Message);
    }

    [Fact]
    public void Parse_InvalidYaml_ReportsTheLine()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("name: a\ndata: [unclosed\n"));

        Assert.Contains("yaml: not valid YAML", error.Message);
    }

    [Fact]
    public void Parse_LabelRule_OnlyForBinary()
    {
        var ok = PipelineParser.Parse("name: f\ndata: {path: f.csv, target: late, task: binary, label: {column: delay, greater_than: 15}}\ntrainer: {name: FastTree}\n");
        Assert.Equal(new LabelRule("delay", 15), ok.Data.Label);

        var error = Assert.Throws<KeelException>(() =>
            PipelineParser.Parse("name: f\ndata: {path: f.csv, target: late, task: regression, label: {column: delay, greater_than: 15}}\ntrainer: {name: FastTree}\n"));
        Assert.Contains("data.label: expected only with task: binary", error.Message);
    }

    [Fact]
    public void Parse_MulticlassThresholds_AcceptMacroAndPerClassScores_WithBothBounds()
    {
        var p = PipelineParser.Parse("""
            name: p
            data: {path: d.csv, target: y, task: multiclass}
            trainer: {name: LightGbm}
            thresholds:
              macro_f1: {min: 0.6, max: 0.999}
              f1_class_other: 0.2
            """);

        Assert.Equal(new MetricThreshold("macro_f1") { Threshold = 0.6, OppositeBound = 0.999, GreaterIsBetter = true }, p.Thresholds["macro_f1"]);
        Assert.Equal(new MetricThreshold("f1_class_other") { Threshold = 0.2, GreaterIsBetter = true }, p.Thresholds["f1_class_other"]);
    }

    [Fact]
    public void Parse_MacroF1ForBinary_IsRefusedWithItsLine()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParser.Parse("name: p\ndata: {path: d.csv, target: y, task: binary}\ntrainer: {name: FastTree}\nthresholds:\n  macro_f1: 0.5\n"));

        Assert.Contains("line 5: thresholds.macro_f1: unknown metric for this task", error.Message);
    }
}
