using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Models;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>
/// One small breast-cancer model (FastTree, 5 trees) trained once for the serving tests, and one
/// in-memory server that serves it as <c>bc</c>.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    public const string Name = "bc";

    internal const string Pipeline = """
        name: serving-test
        data:
          path: breast_cancer_wdbc.csv
          target: target
          task: binary
          drop: [diagnosis]
        split: {train: 0.8, validation: 0.1, test: 0.1, seed: 7}
        trainer:
          name: FastTree
          params: {number_of_trees: 5, number_of_leaves: 4}
        """;

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-serving-tests-").FullName;

    public string PackageDirectory { get; private set; } = string.Empty;

    public KeelApiFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The input example's columns (signature order) and rows.</summary>
    public string[] Columns { get; private set; } = [];

    public JsonElement[][] Rows { get; private set; } = [];

    /// <summary>The example rows scored directly by the package's scorer.</summary>
    public IReadOnlyList<ModelPrediction> Expected { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var source = Path.Combine(RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml");
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(Pipeline, source),
            OutputDirectory = Path.Combine(Folder, "train"),
            ComputeImportance = false,
        });
        PackageDirectory = result.PackageDirectory;

        var contents = await ModelPackage.ReadAsync(PackageDirectory);
        Columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Rows = contents.InputExample.GetProperty("data").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();
        var scorer = await ModelScorer.LoadAsync(PackageDirectory);
        Expected = scorer.Score(JsonSerializer.SerializeToElement(Records()));

        Client = Factory.CreateClient();
        await Factory.Services.GetRequiredService<ServedModelRegistry>().LoadDirectoryAsync(Name, PackageDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await Factory.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>The example rows as <c>dataframe_records</c>.</summary>
    public List<Dictionary<string, JsonElement>> Records() =>
        Rows.Select(row => Columns.Select((c, i) => (c, row[i])).ToDictionary(x => x.c, x => x.Item2)).ToList();

    public async Task<ApiAnswer> PostAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" && text.Trim().Length > 0
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return new ApiAnswer((int)response.StatusCode, json, text);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test binaries.");
    }
}

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "Serving";
}
