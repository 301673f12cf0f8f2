namespace Keel.ML.Tests;

internal static class TestData
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>A source path in the data directory, so relative <c>data.path</c> values resolve there.</summary>
    public static string PipelinePath => Path.Combine(Directory, "pipeline.yaml");

    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "keel-ml-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
