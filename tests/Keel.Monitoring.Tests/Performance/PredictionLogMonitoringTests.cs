using Keel.Core.Predictions;
using Keel.Monitoring.Performance;

namespace Keel.Monitoring.Tests.Performance;

public sealed class PredictionLogMonitoringTests
{
    private static readonly string[] Classes = ["good", "bad"];

    private static LoggedPrediction Logged(long timestamp, string outputs, string? labels) =>
        new(new PredictionLogRecord("r" + timestamp, "credit", "1", timestamp, 100, outputs.Count(c => c == '{'), [], "[]", outputs), labels, labels is null ? null : timestamp + 1);

    [Fact]
    public void ToRecords_Binary_MapsClassesToCodesAndProbabilityToScore()
    {
        var records = PredictionLogMonitoring.ToRecords(
            [Logged(1000, """[{"predicted_label":"bad","probability":0.9},{"predicted_label":"good","probability":0.2}]""", """["bad",null]""")],
            ModelTask.Classification,
            Classes);

        Assert.Equal(2, records.Count);
        Assert.Equal(new PredictionRecord(DateTimeOffset.FromUnixTimeMilliseconds(1000), 1, 1, 0.9), records[0]);
        Assert.Equal(new PredictionRecord(DateTimeOffset.FromUnixTimeMilliseconds(1000), 0, null, 0.2), records[1]);
    }

    [Fact]
    public void Windows_AccuracyPerHour_CountsOnlyLabelledRows()
    {
        const long Hour = 3_600_000;
        var logged = new[]
        {
            // Hour 0: 3 labelled rows, 2 right -> accuracy 2/3; one row without a label.
            Logged(10, """[{"predicted_label":"bad","probability":0.8},{"predicted_label":"good","probability":0.3}]""", """["bad","bad"]"""),
            Logged(20, """[{"predicted_label":"good","probability":0.1}]""", """["good"]"""),
            Logged(30, """[{"predicted_label":"good","probability":0.4}]""", null),

            // Hour 1: 2 labelled rows, both right -> accuracy 1.
            Logged(Hour + 5, """[{"predicted_label":"good","probability":0.2},{"predicted_label":"bad","probability":0.7}]""", """["good","bad"]"""),
        };

        var windows = PredictionLogMonitoring.Windows(logged, ModelTask.Classification, TimeSpan.FromHours(1), Classes);

        Assert.Equal(2, windows.Count);
        Assert.Equal(4, windows[0].Predictions.Count);
        Assert.Equal(3, windows[0].LabelledCount);
        Assert.Equal(2.0 / 3.0, windows[0].Metrics["accuracy"], 12);
        Assert.Equal(1.0, windows[1].Metrics["accuracy"], 12);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Hour), windows[1].Start);
    }

    [Fact]
    public void Windows_Regression_UsesNumericLabels()
    {
        var windows = PredictionLogMonitoring.Windows(
            [Logged(0, "[1.0, 3.0]", """[2, "3"]""")],
            ModelTask.Regression,
            TimeSpan.FromHours(1));

        // Errors 1 and 0: MAE 0.5, MSE 0.5.
        Assert.Equal(0.5, windows[0].Metrics["mae"], 12);
        Assert.Equal(0.5, windows[0].Metrics["mse"], 12);
    }

    [Fact]
    public void ToRecords_RegressionOutputForClassification_IsFormatError()
    {
        Assert.Throws<FormatException>(() => PredictionLogMonitoring.ToRecords([Logged(0, "[1.5]", null)], ModelTask.Classification));
    }
}
