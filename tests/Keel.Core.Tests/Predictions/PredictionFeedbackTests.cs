using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Predictions;
using Keel.Core.Validation;

namespace Keel.Core.Tests.Predictions;

public sealed class PredictionFeedbackTests
{
    [Fact]
    public void ForRows_LoneSurrogateInALabel_IsRefusedNamingTheLabel()
    {
        using var labels = JsonDocument.Parse("""["ok", "\ud800"]""");
        var e = Assert.Throws<KeelException>(() => PredictionFeedback.ForRows("r", labels.RootElement, 1));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'labels[1]' is not valid Unicode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRow_LabelOverTheLimit_NamesTheSetting()
    {
        using var label = JsonDocument.Parse("\"abcdef\"");
        PredictionFeedback.ForRow("r", label.RootElement, 0, 1, new InputLimits { MaxFeedbackLabelLength = 8 });

        var e = Assert.Throws<KeelException>(() => PredictionFeedback.ForRow("r", label.RootElement, 0, 1, new InputLimits { MaxFeedbackLabelLength = 7 }));

        Assert.Contains("Keel:Limits:MaxFeedbackLabelLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRequestId_LoneSurrogate_IsRefused() =>
        Assert.Contains("'request_id' is not valid Unicode", Assert.Throws<KeelException>(() => PredictionFeedback.CheckRequestId("r\udc00")).Message, StringComparison.Ordinal);

    [Fact]
    public void Merge_StoredLabelsWithLoneSurrogatesOrNotJson_AreRepairedOrSkipped()
    {
        var merged = PredictionLabels.Merge(2,
        [
            new PredictionFeedback("r", """["\ud800", "b"]""", 2, null, 1),
            new PredictionFeedback("r", "not json", 1, 1, 2),
        ]);

        using var document = JsonDocument.Parse(merged!);
        Assert.Equal("\uFFFD", document.RootElement[0].GetString());
        Assert.Equal("b", document.RootElement[1].GetString());
    }
}
