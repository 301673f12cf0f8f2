namespace Keel.Cli.Tests.Train;

/// <summary>Small pipelines over examples/breast-cancer, written into a temp folder per test.</summary>
internal sealed class TrainPipelines : IDisposable
{
    public TrainPipelines() => Directory = System.IO.Directory.CreateTempSubdirectory("keel-train-tests-").FullName;

    public string Directory { get; }

    /// <summary>The breast-cancer CSV (570 rows, 30 numeric features).</summary>
    public static string BreastCancerCsv { get; } = Path.Combine(RepositoryRoot(), "examples", "breast-cancer", "breast_cancer_wdbc.csv");

    /// <summary>Writes a binary breast-cancer pipeline and returns its path.</summary>
    public string Write(string experiment, string model, string trainer = "SdcaLogisticRegression", string thresholds = "accuracy_score: 0.9", string registration = "alias: champion", string sweep = "")
    {
        var path = Path.Combine(Directory, experiment + ".yaml");
        var text = $"""
            name: {experiment}
            experiment: {experiment}
            data:
              path: {BreastCancerCsv}
              target: target
              task: binary
              drop: [diagnosis]
            split:
              seed: 7
            trainer:
              name: {trainer}
            {sweep}
            thresholds:
              {thresholds}
            registration:
              model_name: {model}
              {registration}
            """;
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a closing SQLite pool; the OS cleans the temp folder.
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }
}
