using Keel.ML.Pipeline;

namespace Keel.ML.Tests.Pipeline;

/// <summary>Every pipeline file under examples/ parses, and names files a fresh clone has.</summary>
public class ExamplePipelinesTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "pipeline*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryRoot(), file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task ExamplePipeline_Parses_AndItsDataFilesExist(string file)
    {
        var pipeline = await PipelineParser.ParseFileAsync(Path.Combine(RepositoryRoot(), file));

        Assert.True(File.Exists(pipeline.Data.Path), pipeline.Data.Path);
        Assert.True(pipeline.Data.TestPath is null || File.Exists(pipeline.Data.TestPath), pipeline.Data.TestPath);
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
