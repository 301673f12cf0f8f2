using System.Text;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Serving;

/// <summary>Asked to serve a version that is an MLflow model, the server says what it is and what it serves.</summary>
public sealed class MlflowModelServingTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ServingAdd_MlflowSklearnModel_Answers400NamingTheFlavors_NotAMissingModelZip()
    {
        var ct = TestContext.Current.CancellationToken;
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        var mlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n  sklearn:\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\nmlflow_version: 2.12.1\n";
        foreach (var (file, bytes) in new[] { ("MLmodel", Encoding.UTF8.GetBytes(mlmodel)), ("model.pkl", new byte[] { 0x80, 0x04, 0x95 }) })
        {
            using var put = await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/model/{file}", new ByteArrayContent(bytes), ct);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
        }

        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name = "sk-model" })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name = "sk-model", source = $"runs:/{runId}/model", run_id = runId })).Status);

        using var add = await _client.PostAsync("/api/2.0/keel/serving/models", new StringContent("""{"name": "sk", "model_uri": "models:/sk-model/1"}""", Encoding.UTF8, "application/json"), ct);
        var body = await add.Content.ReadAsStringAsync(ct);

        Assert.Equal(400, (int)add.StatusCode);
        Assert.Contains("INVALID_PARAMETER_VALUE", body, StringComparison.Ordinal);
        Assert.Contains("MLflow model (flavors: python_function, sklearn)", body, StringComparison.Ordinal);
        Assert.Contains("mlflow models serve", body, StringComparison.Ordinal);
    }
}
