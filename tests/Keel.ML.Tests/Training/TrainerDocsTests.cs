using System.Text;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Tests.Training;

/// <summary>
/// docs/pipeline-trainers.md lists every hyper-parameter of every trainer with ML.NET's default,
/// generated from the trainers' options classes. Set KEEL_UPDATE_DOCS=1 to rewrite it.
/// </summary>
public class TrainerDocsTests
{
    private const string Begin = "<!-- generated: trainer hyper-parameters (TrainerDocsTests) -->";
    private const string End = "<!-- end generated -->";

    internal static string Table()
    {
        var text = new StringBuilder();
        foreach (var trainer in TrainerRegistry.Trainers)
        {
            text.Append("### ").Append(trainer.Name).Append(" (").Append(trainer.Task.ToString().ToLowerInvariant()).Append(")\n\n");
            text.Append("ML.NET options class: `").Append(trainer.OptionsType!.FullName!.Replace('+', '.')).Append("`.\n\n");
            text.Append("| name | ML.NET option | type | ML.NET default | accepted |\n|---|---|---|---|---|\n");
            foreach (var p in trainer.Parameters)
            {
                var accepted = p.Type == HyperParameterType.Boolean ? "true, false" : p.Check(p.Min) is null && p.Check(p.Max) is null ? Range(p) : "see ML.NET";
                text.Append($"| `{p.Name}` | `{p.OptionName}` | {p.Type.ToString().ToLowerInvariant()} | {p.Default} | {accepted} |\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Range(HyperParameterSpec p)
    {
        var max = p.Max >= double.MaxValue ? "∞" : p.Max >= int.MaxValue ? "2³¹−1" : p.Max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{p.Min.ToString(System.Globalization.CultureInfo.InvariantCulture)} to {max}";
    }

    [Fact]
    public void PipelineTrainersDoc_ListsEveryHyperParameterWithMLNetsDefault()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "pipeline-trainers.md");
        var doc = File.ReadAllText(path);
        var start = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/pipeline-trainers.md lacks the generated markers");
        var expected = doc[..(start + Begin.Length)] + "\n\n" + Table() + doc[end..];
        if (Environment.GetEnvironmentVariable("KEEL_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Equal(expected, doc);
    }

    [Fact]
    public void EveryTrainer_KeepsTheNamesPipelinesAlreadyUse()
    {
        var lightGbm = TrainerRegistry.Find(MLTask.Binary, "LightGbm")!;

        foreach (var name in new[] { "number_of_iterations", "number_of_leaves", "minimum_example_count_per_leaf", "learning_rate", "feature_fraction", "l2_regularization", "maximum_bin_count_per_feature" })
        {
            Assert.NotNull(lightGbm.Find(name));
        }

        Assert.Equal("number_of_trees", TrainerRegistry.Find(MLTask.Regression, "FastTree")!.Find("NumberOfTrees")!.Name);
        Assert.NotNull(TrainerRegistry.Find(MLTask.Binary, "SdcaLogisticRegression")!.Find("l1_regularization"));
        Assert.NotNull(TrainerRegistry.Find(MLTask.Binary, "LbfgsLogisticRegression")!.Find("optimization_tolerance"));
        Assert.Equal(["number_of_leaves"], lightGbm.Suggest("number_of_leafs"));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test binaries.");
    }
}
