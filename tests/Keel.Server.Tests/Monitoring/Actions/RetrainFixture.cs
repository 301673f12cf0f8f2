using Keel.Server.Monitoring;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Monitoring.Actions;

/// <summary>
/// A server whose retrain actions read pipelines from <see cref="PipelineRoot"/>, which holds the
/// breast-cancer data (569 rows, the smallest example) next to the pipelines the tests write.
/// </summary>
public sealed class RetrainFixture : IAsyncLifetime
{
    public KeelApiFactory Factory { get; } = new();

    public string PipelineRoot { get; } = Directory.CreateTempSubdirectory("keel-retrain-pipelines-").FullName;

    public ValueTask InitializeAsync()
    {
        File.Copy(Path.Combine(ServingFixture.RepositoryRoot(), "examples", "breast-cancer", "breast_cancer_wdbc.csv"), Path.Combine(PipelineRoot, "breast_cancer_wdbc.csv"));
        Factory.Settings[AlertActionsServiceCollectionExtensions.PipelineRootKey] = PipelineRoot;
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes a breast-cancer pipeline registering <paramref name="model"/>; returns its file name (relative to the root).</summary>
    /// <param name="model">The model it registers.</param>
    /// <param name="thresholds">The thresholds section's body, e.g. <c>accuracy_score: 0.9</c>.</param>
    /// <param name="alias">The alias its registration asks for, or null.</param>
    public string Pipeline(string model, string thresholds, string? alias = null)
    {
        var file = $"retrain-{model}-{Guid.NewGuid():N}.yaml";
        File.WriteAllText(Path.Combine(PipelineRoot, file), $$"""
            name: retrain-{{model}}
            experiment: retrain-tests
            data:
              path: breast_cancer_wdbc.csv
              target: target
              task: binary
              drop: [diagnosis]
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 7}
            trainer:
              name: SdcaLogisticRegression
              params: {l2_regularization: 0.01}
            thresholds:
              {{thresholds}}
            importance: false
            monitoring: {reference_rows: 100}
            registration:
              model_name: {{model}}
            {{(alias is null ? string.Empty : "  alias: " + alias)}}
            """);
        return file;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Directory.Delete(PipelineRoot, recursive: true);
    }
}
