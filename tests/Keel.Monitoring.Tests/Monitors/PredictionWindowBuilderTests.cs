using Keel.Core.Models;
using Keel.Core.Predictions;
using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Tests.Monitors;

public sealed class PredictionWindowBuilderTests
{
    private static readonly ModelSignature Classifier = new(
        [new ColumnSpec("age", ColumnType.Double), new ColumnSpec("home", ColumnType.String)],
        [new ColumnSpec("predicted_label", ColumnType.String), new ColumnSpec("probability", ColumnType.Double)]);

    private static PredictionLogRecord Record(string inputs, string outputs, IReadOnlyList<string>? columns = null) =>
        new("r", "m", "1", 0, 1, 1, columns ?? ["age", "home"], inputs, outputs);

    [Fact]
    public void Add_RowsInAnyColumnOrder_StringNumbersNullsAndEscapes_LandInTheirSignatureColumns()
    {
        var builder = new PredictionWindowBuilder(Classifier);

        builder.Add(Record("""[[41,"rent"],["37.5","own\u00e9"],[null,null]]""", """[{"predicted_label":"good","probability":0.2},{"predicted_label":"bad","probability":0.9,"probabilities":{"a":1}},{"predicted_label":1}]"""));
        builder.Add(Record("""[["parents",52,"ignored"]]""", """[{"predicted_label":"good","probability":0.1}]""", ["home", "age", "extra"]));
        var window = builder.Build();

        Assert.Equal([41, 37.5, double.NaN, 52], window.Inputs[0].Numbers!);
        Assert.Equal(["rent", "own\u00e9", null, "parents"], window.Inputs[1].Texts!);
        Assert.Equal(["good", "bad", "1", "good"], window.Predictions[0].Texts!);
        Assert.Equal([0.2, 0.9, double.NaN, 0.1], window.Predictions[1].Numbers!);
        Assert.Equal(2, window.Requests);
    }

    [Fact]
    public void Add_MulticlassVectors_OneColumnPerClass_AlignedWithTheRows_MissingWhereARowHasNone()
    {
        var builder = new PredictionWindowBuilder(Classifier);

        builder.Add(Record("[]", """[{"predicted_label":"a","probability":0.6,"probabilities":{"a":0.6,"b":0.3,"c":0.1}},{"predicted_label":"c","probability":0.5,"probabilities":{"c":0.5,"a":0.2,"b":0.3}}]"""));
        builder.Add(Record("[]", """[{"predicted_label":"b","probability":0.7}]""")); // logged before the vector was
        builder.Add(Record("[]", """[{"predicted_label":"a","probability":0.9,"probabilities":{"a":0.9,"b":0.05,"c":0.05}},{"predicted_label":]"""));
        builder.Add(Record("[]", """[{"predicted_label":"b","probability":0.8,"probabilities":{"a":0.1,"b":0.8,"c":0.1}}]"""));
        var window = builder.Build();

        Assert.Equal(1, builder.MalformedRequests);
        Assert.Equal(["prediction", "probability", "probability:a", "probability:b", "probability:c"], window.Predictions.Select(c => c.Name));
        Assert.Equal([0.6, 0.2, double.NaN, 0.1], window.Predictions[2].Numbers!);
        Assert.Equal([0.3, 0.3, double.NaN, 0.8], window.Predictions[3].Numbers!);
        Assert.Equal([0.1, 0.5, double.NaN, 0.1], window.Predictions[4].Numbers!);
    }

    [Fact]
    public void Build_OfSeveralBuilders_ClassColumnsCoverEveryPart()
    {
        var first = new PredictionWindowBuilder(Classifier);
        var second = new PredictionWindowBuilder(Classifier);
        first.Add(Record("[]", """[{"predicted_label":"a","probability":0.6,"probabilities":{"a":0.6,"b":0.4}}]"""));
        second.Add(Record("[]", """[{"predicted_label":"c","probability":0.7,"probabilities":{"c":0.7,"a":0.3}},{"predicted_label":"a","probability":0.5}]"""));

        var window = PredictionWindowBuilder.Build([first, second]);

        Assert.Equal(["prediction", "probability", "probability:a", "probability:b", "probability:c"], window.Predictions.Select(c => c.Name));
        Assert.Equal([0.6, 0.3, double.NaN], window.Predictions[2].Numbers!);
        Assert.Equal([0.4, double.NaN, double.NaN], window.Predictions[3].Numbers!);
        Assert.Equal([double.NaN, 0.7, double.NaN], window.Predictions[4].Numbers!);
    }

    [Fact]
    public void Add_HashedOrEmptyInputs_CountsThePredictionsOnly()
    {
        var builder = new PredictionWindowBuilder(Classifier);

        builder.Add(Record("""["sha256:00","sha256:01"]""", """[{"predicted_label":"good","probability":0.2},{"predicted_label":"good","probability":0.3}]"""));
        builder.Add(Record("[]", """[{"predicted_label":"bad","probability":0.7}]"""));
        var window = builder.Build();

        Assert.Equal(0, window.InputRows);
        Assert.Equal(3, window.PredictionRows);
        Assert.Equal(2, window.RequestsWithoutInputs);
    }

    [Fact]
    public void Add_MalformedRecord_IsSkippedWhole_AndTheOthersKept()
    {
        var builder = new PredictionWindowBuilder(Classifier);

        builder.Add(Record("""[[1,"a"]]""", """[{"predicted_label":"good","probability":0.5}]"""));
        builder.Add(Record("""[[2,"b"],[3,""", """[{"predicted_label":"good","probability":0.5}]"""));
        builder.Add(Record("""[[4,"c"]]""", """[{"predicted_label":"bad","probability":0.5}"""));
        builder.Add(Record("""{"age":5}""", "[]"));
        var window = builder.Build();

        Assert.Equal([1.0], window.Inputs[0].Numbers!);
        Assert.Equal(["good"], window.Predictions[0].Texts!);
        Assert.Equal(3, window.MalformedRequests);
    }

    [Fact]
    public void Add_AColumnLoggedTwice_FeedsItOnce_RowsStayAligned()
    {
        var builder = new PredictionWindowBuilder(Classifier);

        builder.Add(Record("""[[1,2,"x"]]""", "[]", ["age", "age", "home"]));
        builder.Add(Record("""[[3,"y"]]""", "[]"));
        var window = builder.Build();

        Assert.Equal([1.0, 3.0], window.Inputs[0].Numbers!);
        Assert.Equal(["x", "y"], window.Inputs[1].Texts!);
    }

    [Fact]
    public void Build_OfSeveralBuilders_JoinsTheirRowsInOrder_AndTheirCounts()
    {
        var first = new PredictionWindowBuilder(Classifier);
        var second = new PredictionWindowBuilder(Classifier, capacity: 10);
        first.Add(Record("""[[1,"a"],[2,"b"]]""", """[{"predicted_label":"x","probability":0.1},{"predicted_label":"y","probability":0.2}]"""));
        second.Add(Record("""["sha256:00"]""", """[{"predicted_label":"z","probability":0.3}]"""));
        second.Add(Record("""[[3,"c"]]""", """[{"predicted_label":"w","probability":0.4}]"""));
        second.Add(Record("""[[4,""", "[]"));

        var window = PredictionWindowBuilder.Build([first, second]);

        Assert.Equal([1, 2, 3], window.Inputs[0].Numbers!);
        Assert.Equal(["a", "b", "c"], window.Inputs[1].Texts!);
        Assert.Equal(["x", "y", "z", "w"], window.Predictions[0].Texts!);
        Assert.Equal([0.1, 0.2, 0.3, 0.4], window.Predictions[1].Numbers!);
        Assert.Equal((4L, 1L, 1L), (window.Requests, window.RequestsWithoutInputs, window.MalformedRequests));
        var regression = new PredictionWindowBuilder(new ModelSignature(Classifier.Inputs, [new ColumnSpec("prediction", ColumnType.Double)]));
        Assert.Throws<ArgumentException>(() => PredictionWindowBuilder.Build([first, regression]));
        Assert.Throws<ArgumentException>(() => PredictionWindowBuilder.Build([]));
    }
}
