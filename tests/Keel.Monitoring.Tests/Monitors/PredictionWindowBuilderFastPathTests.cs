using System.Text;
using Keel.Core.Models;
using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Tests.Monitors;

/// <summary>The fast scanner and the Utf8JsonReader path must give the same window for any input.</summary>
public sealed class PredictionWindowBuilderFastPathTests
{
    private static readonly ModelSignature Classifier = new(
        [new ColumnSpec("age", ColumnType.Double), new ColumnSpec("home", ColumnType.String), new ColumnSpec("income", ColumnType.Double)],
        [new ColumnSpec("predicted_label", ColumnType.String), new ColumnSpec("probability", ColumnType.Double)]);

    private static readonly ModelSignature Regression = new(
        [new ColumnSpec("age", ColumnType.Double), new ColumnSpec("home", ColumnType.String), new ColumnSpec("income", ColumnType.Double)],
        [new ColumnSpec("prediction", ColumnType.Double)]);

    private static readonly string[] Columns = ["age", "home", "income"];

    public static TheoryData<string> Inputs => new(
        """[[41,"rent",1200.5]]""",
        """[[41,"rent",1200.5],[-0,"own",0],[1e5,"x",1E+2],[0.5e-3,"y",-12.25]]""",
        """ [ [ 41 , "rent" , 7 ] ] """,
        "[[1,\"a\\\"b\",2]]",
        "[[1,\"caf\\u00e9\",2]]",
        "[[1,\"tab\there\",2]]",
        """[[1,"ünï",2]]""",
        """[[01,"a",2]]""",
        """[[1.,"a",2]]""",
        """[[.5,"a",2]]""",
        """[[-,"a",2]]""",
        """[[1e400,"a",-1e400]]""",
        """[[123456789012345678901234567890,"a",2.2250738585072014e-308]]""",
        """[[true,false,null]]""",
        """[[tru,"a",2]]""",
        """[[nullx,"a",2]]""",
        """[[[1],{"a":1},2]]""",
        """[["12.5"," 7 ","abc"]]""",
        """[["x",2.50,"1e3"]]""",
        """[[1,true,3]]""",
        """[[1,"a"],]""",
        """[[1,"a",]]""",
        """[[1,"a",2]] x""",
        """[[1,"a",2]]]""",
        """["sha256:00","sha256:01"]""",
        """[[]]""",
        "[]",
        """[[1,"a",2,"extra",[1,2],{"k":"v"}]]""",
        """[[1]]""",
        """[[1,"a",2],[3]]""",
        """{"age":5}""",
        """[[1,"a",2]""",
        "[[1,\"a\",2]]\n",
        """[[1,"a",2],"hash"]""");

    public static TheoryData<string> Outputs => new(
        """[{"predicted_label":"good","probability":0.2}]""",
        """[{"probability":0.3,"predicted_label":"x"}]""",
        """[{"predicted_label":"bad","probability":0.9,"probabilities":{"a":1}}]""",
        """[{"predicted_label":true,"probability":"0.5"}]""",
        """[{"predicted_label":1.50}]""",
        """[{}]""",
        """[1]""",
        """[1.5,null,-2e3]""",
        """[{"predicted_label":"a"}""",
        """[{"predicted_label":"a","probability":0.1},]""",
        """[ { "predicted_label" : "a" , "probability" : 0.1 } ]""",
        "[{\"predicted_label\":\"a\\u0041\",\"probability\":0.1}]",
        "[]");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Inputs_GiveTheSameWindow_OnBothPaths(string inputs)
    {
        foreach (var signature in new[] { Classifier, Regression })
        {
            AssertSame(signature, Encoding.UTF8.GetBytes(inputs), """[{"predicted_label":"good","probability":0.2}]"""u8.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Outputs_GiveTheSameWindow_OnBothPaths(string outputs)
    {
        foreach (var signature in new[] { Classifier, Regression })
        {
            AssertSame(signature, """[[41,"rent",1200.5]]"""u8.ToArray(), Encoding.UTF8.GetBytes(outputs));
        }
    }

    [Fact]
    public void InvalidUtf8_GivesTheSameWindow_OnBothPaths()
    {
        byte[] inputs = [.. "[[1,\"a"u8, 0xC3, 0x28, .. "\",2]]"u8];
        AssertSame(Classifier, inputs, """[{"predicted_label":"good","probability":0.2}]"""u8.ToArray());
        byte[] outputs = [.. "[{\"predicted_label\":\"a"u8, 0xFF, .. "\",\"probability\":0.2}]"u8];
        AssertSame(Classifier, """[[1,"a",2]]"""u8.ToArray(), outputs);
    }

    [Fact]
    public void CompactLoggedRequests_TakeTheFastPath()
    {
        var builder = new PredictionWindowBuilder(Classifier);
        builder.Add("""[[41,"rent",1200.5],[7,"own",3]]"""u8, """[{"predicted_label":"good","probability":0.2},{"predicted_label":"bad","probability":0.7}]"""u8, Columns);
        builder.Add("[[1,\"a\\\"b\",2]]"u8, "[]"u8, Columns);
        Assert.Equal(1, builder.FastInputs);
        var window = builder.Build();
        Assert.Equal([41, 7, 1], window.Inputs[0].Numbers!);
        Assert.Equal(["rent", "own", "a\"b"], window.Inputs[1].Texts!);
        Assert.Equal([0.2, 0.7], window.Predictions[1].Numbers!);
    }

    private static void AssertSame(ModelSignature signature, byte[] inputs, byte[] outputs)
    {
        var fast = new PredictionWindowBuilder(signature);
        var slow = new PredictionWindowBuilder(signature) { FastPath = false };
        foreach (var builder in new[] { fast, slow })
        {
            // The request between two good ones, so a path that leaves partial rows behind misaligns the next.
            builder.Add("""[[1,"before",2]]"""u8, """[{"predicted_label":"b","probability":0.1}]"""u8, Columns);
            builder.Add(inputs, outputs, Columns);
            builder.Add("""[[3,"after",4]]"""u8, """[{"predicted_label":"c","probability":0.3}]"""u8, Columns);
        }

        var (f, s) = (fast.Build(), slow.Build());
        Assert.Equal((s.Requests, s.RequestsWithoutInputs, s.MalformedRequests), (f.Requests, f.RequestsWithoutInputs, f.MalformedRequests));
        Assert.Equal(s.Inputs.Count, f.Inputs.Count);
        for (var c = 0; c < s.Inputs.Count; c++)
        {
            Assert.Equal(s.Inputs[c].Numbers, f.Inputs[c].Numbers);
            Assert.Equal(s.Inputs[c].Texts, f.Inputs[c].Texts);
        }

        for (var c = 0; c < s.Predictions.Count; c++)
        {
            Assert.Equal(s.Predictions[c].Numbers, f.Predictions[c].Numbers);
            Assert.Equal(s.Predictions[c].Texts, f.Predictions[c].Texts);
        }
    }
}
