using System.Text.RegularExpressions;
using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

/// <summary>Keeps the examples in docs/model-package.md readable by the code.</summary>
public sealed partial class ModelPackageDocsTests
{
    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    private static List<string> DocExamples()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "model-package.md"));
        return JsonBlock().Matches(text).Select(match => match.Groups[1].Value).ToList();
    }

    [Fact]
    public async Task DocumentedExamples_AreAValidPackage()
    {
        var examples = DocExamples();
        Assert.Equal(2, examples.Count);
        using var dir = new PackageDirectory();
        dir.Write(ModelPackage.MetadataFileName, examples[0]);
        dir.Write(ModelPackage.InputExampleFileName, examples[1]);
        dir.Write(ModelPackage.ModelFileName, "zip");

        var read = await ModelPackage.ReadAsync(dir.Path, TestContext.Current.CancellationToken);

        Assert.Equal("churn", read.Metadata.Name);
        Assert.Equal(ModelStage.Staging, read.Metadata.Stage);
        Assert.Equal(4, read.Metadata.Hyperparameters.Count);
        Assert.Equal(ColumnType.DateTime, read.Metadata.DataSchema["signup"]);
        Assert.Equal(2, read.Metadata.Signature.Outputs.Count);
    }

    [Fact]
    public async Task DocumentedExample_HasEveryFieldTheWriterWrites()
    {
        using var dir = new PackageDirectory();
        using var zip = new MemoryStream([1]);
        await ModelPackage.WriteAsync(dir.Path, ModelPackageTestBase.Sample(), zip, "{}", TestContext.Current.CancellationToken);
        using var written = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dir.File(ModelPackage.MetadataFileName), TestContext.Current.CancellationToken));
        using var documented = System.Text.Json.JsonDocument.Parse(DocExamples()[0]);

        Assert.Equal(
            written.RootElement.EnumerateObject().Select(p => p.Name),
            documented.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
