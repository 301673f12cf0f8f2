using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Registry;

/// <summary>
/// Model versions whose source lies outside Keel's artifact store, as MLflow accepts them: a path
/// in the run's own artifact location (an experiment with a custom <c>artifact_location</c>), and
/// <c>s3://</c>, <c>gs://</c>, <c>https://</c> URIs. Registration keeps them as metadata so clients
/// that read the location themselves work; every path through which the server would read them
/// (serving, the run's artifact listing) answers 400 saying why.
/// </summary>
public sealed class ExternalSourceApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public enum Form
    {
        RunLocationLocalPath,
        RunLocationFileUri,
        RunLocationS3,
        S3,
        Gs,
        Https,
    }

    private static string NewName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A run in an experiment whose artifact location is <paramref name="location"/>; returns its id and artifact URI.</summary>
    private async Task<(string RunId, string ArtifactUri)> RunInAsync(string location)
    {
        var experiment = await _client.ApiPostAsync("experiments/create", new { name = NewName("ext"), artifact_location = location });
        Assert.Equal(200, experiment.Status);
        var run = await _client.ApiPostAsync("runs/create", new { experiment_id = experiment["experiment_id"].GetString() });
        Assert.Equal(200, run.Status);
        var info = run["run"].GetProperty("info");
        return (info.GetProperty("run_id").GetString()!, info.GetProperty("artifact_uri").GetString()!);
    }

    /// <summary>The source of each form, with the run it is registered with (null for none).</summary>
    private async Task<(string Source, string? RunId)> SourceAsync(Form form)
    {
        switch (form)
        {
            case Form.RunLocationLocalPath:
            {
                var outside = Path.Join(factory.Folder, "team-mlruns-" + Guid.NewGuid().ToString("N")[..6]);
                var (runId, artifactUri) = await RunInAsync(outside);
                Assert.StartsWith(outside, artifactUri, StringComparison.Ordinal);

                // Files really are there: the refusal below is a decision, not a missing file.
                Directory.CreateDirectory(Path.Join(artifactUri, "model"));
                await File.WriteAllTextAsync(Path.Join(artifactUri, "model", "MLmodel"), "flavors: {}", TestContext.Current.CancellationToken);
                return (artifactUri + "/model", runId);
            }

            case Form.RunLocationFileUri:
            {
                var outside = new Uri(Path.Join(factory.Folder, "file-mlruns-" + Guid.NewGuid().ToString("N")[..6])).AbsoluteUri;
                var (runId, artifactUri) = await RunInAsync(outside);
                return (artifactUri + "/model", runId);
            }

            case Form.RunLocationS3:
            {
                var (runId, artifactUri) = await RunInAsync("s3://team-bucket/mlruns/" + Guid.NewGuid().ToString("N")[..6]);
                return (artifactUri + "/model", runId);
            }

            case Form.S3:
                return ("s3://models-bucket/churn/" + Guid.NewGuid().ToString("N")[..6] + "/model", null);
            case Form.Gs:
                return ("gs://models-bucket/churn/model", null);
            default:
                return ("https://models.example.com/churn/model", null);
        }
    }

    [Theory]
    [InlineData(Form.RunLocationLocalPath)]
    [InlineData(Form.RunLocationFileUri)]
    [InlineData(Form.RunLocationS3)]
    [InlineData(Form.S3)]
    [InlineData(Form.Gs)]
    [InlineData(Form.Https)]
    public async Task SourceOutsideTheStore_IsRegisteredAsGiven_AndReturnedForClientsToRead(Form form)
    {
        var (source, runId) = await SourceAsync(form);
        var name = NewName("external");
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);

        var created = await _client.ApiPostAsync("model-versions/create", new { name, source, run_id = runId });
        Assert.True(created.Status == 200, created.Body);
        Assert.Equal(source, created["model_version"].GetProperty("source").GetString());

        // MLflow's client reads the location itself after asking where the files are.
        var download = await _client.ApiGetAsync($"model-versions/get-download-uri?name={name}&version=1");
        Assert.Equal(200, download.Status);
        Assert.Equal(source, download["artifact_uri"].GetString());
    }

    [Theory]
    [InlineData(Form.RunLocationLocalPath)]
    [InlineData(Form.RunLocationFileUri)]
    [InlineData(Form.RunLocationS3)]
    [InlineData(Form.S3)]
    [InlineData(Form.Gs)]
    [InlineData(Form.Https)]
    public async Task ServingASourceOutsideTheStore_IsRefusedSayingKeelDoesNotReadIt(Form form)
    {
        var (source, runId) = await SourceAsync(form);
        var name = NewName("external-serve");
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source, run_id = runId })).Status);

        var served = await _client.ApiPostAsync("/api/2.0/keel/serving/models", new { name, model_uri = $"models:/{name}/1" });
        Assert.Equal(400, served.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", served.ErrorCode);
        var message = served["message"].GetString()!;
        Assert.Contains("outside Keel's artifact store", message, StringComparison.Ordinal);
        Assert.Contains("never reads, lists, copies or serves it", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsSourceOfARunStoredOutside_IsAccepted_ButNeitherServedNorListed()
    {
        var outside = Path.Join(factory.Folder, "runs-form-" + Guid.NewGuid().ToString("N")[..6]);
        var (runId, _) = await RunInAsync(outside);
        var name = NewName("runs-form");
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId })).Status);

        var served = await _client.ApiPostAsync("/api/2.0/keel/serving/models", new { name, model_uri = $"models:/{name}/1" });
        Assert.Equal(400, served.Status);
        Assert.Contains("never reads", served["message"].GetString(), StringComparison.Ordinal);
        var listed = await _client.ApiGetAsync($"artifacts/list?run_id={runId}");
        Assert.Equal(400, listed.Status);
        Assert.Contains("outside Keel's artifact store", listed["message"].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("OUTSIDE/../../../../etc/passwd")]
    [InlineData("OUTSIDE-evil/model")]
    [InlineData("file:///etc/passwd")]
    public async Task LocalPathOutsideBothTheStoreAndTheRunsLocation_IsRefused(string template)
    {
        var outside = Path.Join(factory.Folder, "refused-" + Guid.NewGuid().ToString("N")[..6]);
        var (runId, artifactUri) = await RunInAsync(outside);
        var source = template.Replace("OUTSIDE", artifactUri, StringComparison.Ordinal);
        var name = NewName("refused");
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);

        var answer = await _client.ApiPostAsync("model-versions/create", new { name, source, run_id = runId });
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
        Assert.Equal(404, (await _client.ApiGetAsync($"model-versions/get?name={name}&version=1")).Status);
    }
}
