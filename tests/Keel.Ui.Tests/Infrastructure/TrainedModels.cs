using System.Globalization;
using System.Text.Json;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.Ui.Tests.Infrastructure;

/// <summary>
/// Real models for the pages that need a served deployment: logistic regressions trained with
/// <c>keel train</c>'s library on the breast-cancer data set (examples/breast-cancer), registered on a
/// UI server through the REST API (the package uploaded through the artifact proxy).
/// </summary>
public static class TrainedModels
{
    /// <summary>The repository's breast-cancer CSV.</summary>
    public static string BreastCancerCsv => Path.Combine(RepositoryRoot(), "examples", "breast-cancer", "breast_cancer_wdbc.csv");

    /// <summary>Trains a logistic regression on the breast-cancer data (split seed <paramref name="seed"/>); returns the package folder.</summary>
    public static async Task<string> TrainAsync(string folder, string name, int seed)
    {
        var yaml = $"name: {name}\ndata: {{path: {BreastCancerCsv}, target: target, task: binary, drop: [diagnosis]}}\nsplit: {{train: 0.8, validation: 0.1, test: 0.1, seed: {seed}}}\ntrainer: {{name: LbfgsLogisticRegression}}\n";
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, Path.Combine(folder, name + ".yaml")),
            OutputDirectory = Path.Combine(folder, name),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }

    /// <summary>Logs a run, uploads the package as its <c>model</c> artifact and registers it as a new version of <paramref name="model"/>.</summary>
    public static async Task RegisterAsync(KeelUiServer server, string experimentId, string model, string package)
    {
        var run = await server.CreateRunAsync(experimentId, Path.GetFileName(Path.GetDirectoryName(package + "/")!));
        foreach (var file in Directory.GetFiles(package, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(package, file).Replace('\\', '/');
            await server.UploadArtifactAsync(run, "model/" + relative, await File.ReadAllBytesAsync(file));
        }

        await server.PostAsync("model-versions/create", new { name = model, source = $"runs:/{run.Id}/model", run_id = run.Id });
    }

    /// <summary>The data set's rows without target and diagnosis, each as a <c>dataframe_records</c> body, with its label.</summary>
    public static IReadOnlyList<(string Body, string Label)> Requests()
    {
        var lines = File.ReadAllLines(BreastCancerCsv);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            var row = new Dictionary<string, double>();
            var label = "";
            for (var i = 0; i < header.Length; i++)
            {
                if (header[i] == "target")
                {
                    label = cells[i];
                }
                else if (header[i] != "diagnosis")
                {
                    row[header[i]] = double.Parse(cells[i], CultureInfo.InvariantCulture);
                }
            }

            return (JsonSerializer.Serialize(new { dataframe_records = new[] { row } }), label);
        }).ToList();
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test binaries.");
    }
}
