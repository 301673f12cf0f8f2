using System.Net;
using System.Net.Http.Json;

namespace Keel.Server.Tests.Artifacts;

/// <summary><c>GET /api/2.0/mlflow/artifacts/list</c> against runs made through the real tracking endpoints.</summary>
public sealed class RunArtifactsListTests(ArtifactsAppFactory factory) : IClassFixture<ArtifactsAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NewRun_HasProxiedArtifactUriUnderItsExperiment()
    {
        var (experimentId, runId, artifactUri) = await CreateRun();

        Assert.Equal($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", artifactUri);
        using var experiment = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={experimentId}", Ct));
        Assert.Equal($"mlflow-artifacts:/{experimentId}", experiment.RootElement.GetProperty("experiment").GetProperty("artifact_location").GetString());
    }

    [Theory]
    [InlineData("/api/2.0/mlflow/artifacts/list")]
    [InlineData("/ajax-api/2.0/mlflow/artifacts/list")]
    public async Task List_RunRoot_ReturnsRunRelativePathsAndRootUri(string endpoint)
    {
        var (_, runId, artifactUri) = await CreateRun();
        await Upload(artifactUri, "model/MLmodel", "flavors: {}");
        await Upload(artifactUri, "metrics.json", "{\"auc\": 0.9}");

        using var json = await HttpAssert.Json(await _client.GetAsync($"{endpoint}?run_id={runId}", Ct));

        Assert.Equal(
            $$"""{"root_uri":"{{artifactUri}}","files":[{"path":"metrics.json","is_dir":false,"file_size":12},{"path":"model","is_dir":true}]}""",
            json.RootElement.GetRawText());
    }

    [Fact]
    public async Task List_SubPath_PrefixesEntriesWithThePath()
    {
        var (_, runId, artifactUri) = await CreateRun();
        await Upload(artifactUri, "model/MLmodel", "a");
        await Upload(artifactUri, "model/data/weights.bin", "bb");

        using var json = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}&path=model", Ct));

        var files = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetRawText()).ToList();
        Assert.Equal(["""{"path":"model/MLmodel","is_dir":false,"file_size":1}""", """{"path":"model/data","is_dir":true}"""], files);

        using var deeper = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}&path=model%2Fdata", Ct));
        Assert.Equal("model/data/weights.bin", deeper.RootElement.GetProperty("files")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task List_RunUuidAndPageToken_AreAccepted()
    {
        var (_, runId, artifactUri) = await CreateRun();
        await Upload(artifactUri, "a.txt", "a");

        using var json = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_uuid={runId}&page_token=", Ct));

        Assert.Equal("a.txt", json.RootElement.GetProperty("files")[0].GetProperty("path").GetString());
        Assert.False(json.RootElement.TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task List_RunWithoutArtifacts_IsEmpty()
    {
        var (_, runId, artifactUri) = await CreateRun();

        using var json = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}", Ct));

        Assert.Equal($$"""{"root_uri":"{{artifactUri}}","files":[]}""", json.RootElement.GetRawText());
    }

    [Fact]
    public async Task List_DoesNotSeeOtherRunsArtifacts()
    {
        var (_, runA, uriA) = await CreateRun();
        var (_, runB, _) = await CreateRun();
        await Upload(uriA, "only-a.txt", "a");

        using var json = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runB}", Ct));

        Assert.Empty(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.NotEqual(runA, runB);
    }

    [Fact]
    public async Task List_MissingRunId_IsInvalidParameterValue()
    {
        var message = await HttpAssert.Error(await _client.GetAsync("/api/2.0/mlflow/artifacts/list?path=x", Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("run_id", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnknownRun_IsResourceDoesNotExist() =>
        await HttpAssert.Error(await _client.GetAsync("/api/2.0/mlflow/artifacts/list?run_id=0123456789abcdef0123456789abcdef", Ct), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

    [Fact]
    public async Task List_RunWhoseArtifactsLiveOutsideTheRoot_IsRefused()
    {
        var outside = new Uri(Path.Join(factory.Folder, "elsewhere")).AbsoluteUri;
        var created = await _client.PostAsJsonAsync("/api/2.0/mlflow/experiments/create", new { name = "outside-" + Guid.NewGuid().ToString("N"), artifact_location = outside }, Ct);
        using var experiment = await HttpAssert.Json(created);
        var experimentId = experiment.RootElement.GetProperty("experiment_id").GetString()!;
        var (_, runId, artifactUri) = await CreateRun(experimentId);
        Assert.StartsWith(outside, artifactUri, StringComparison.Ordinal);

        var message = await HttpAssert.Error(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}", Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("outside Keel's artifact store", message, StringComparison.Ordinal);
        Assert.Contains("never reads", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_RunWithTraversingProxiedLocation_IsRefused()
    {
        var created = await _client.PostAsJsonAsync("/api/2.0/mlflow/experiments/create", new { name = "evil-" + Guid.NewGuid().ToString("N"), artifact_location = "mlflow-artifacts:/../../.." }, Ct);
        if (created.StatusCode == HttpStatusCode.BadRequest)
        {
            // The tracking store refusing the location up front is just as good.
            return;
        }

        using var experiment = await HttpAssert.Json(created);
        var (_, runId, _) = await CreateRun(experiment.RootElement.GetProperty("experiment_id").GetString()!);

        await HttpAssert.Error(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}", Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task List_RunWithFileLocationInsideRoot_IsListed()
    {
        var inside = new Uri(Path.Join(factory.ArtifactsPath, "custom-" + Guid.NewGuid().ToString("N"))).AbsoluteUri;
        var created = await _client.PostAsJsonAsync("/api/2.0/mlflow/experiments/create", new { name = "inside-" + Guid.NewGuid().ToString("N"), artifact_location = inside }, Ct);
        using var experiment = await HttpAssert.Json(created);
        var (_, runId, artifactUri) = await CreateRun(experiment.RootElement.GetProperty("experiment_id").GetString()!);
        var relative = artifactUri[(new Uri(factory.ArtifactsPath).AbsoluteUri.Length + 1)..];
        await HttpAssert.EmptyOk(await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{relative}/x.txt", new StringContent("x"), Ct));

        using var json = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}", Ct));

        Assert.Equal("x.txt", json.RootElement.GetProperty("files")[0].GetProperty("path").GetString());
    }

    private async Task<(string ExperimentId, string RunId, string ArtifactUri)> CreateRun(string? experimentId = null)
    {
        if (experimentId is null)
        {
            var created = await _client.PostAsJsonAsync("/api/2.0/mlflow/experiments/create", new { name = "exp-" + Guid.NewGuid().ToString("N") }, Ct);
            using var experiment = await HttpAssert.Json(created);
            experimentId = experiment.RootElement.GetProperty("experiment_id").GetString()!;
        }

        using var run = await HttpAssert.Json(await _client.PostAsJsonAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experimentId }, Ct));
        var info = run.RootElement.GetProperty("run").GetProperty("info");
        return (experimentId, info.GetProperty("run_id").GetString()!, info.GetProperty("artifact_uri").GetString()!);
    }

    private async Task Upload(string artifactUri, string path, string text)
    {
        var relative = artifactUri["mlflow-artifacts:/".Length..];
        await HttpAssert.EmptyOk(await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{relative}/{path}", new StringContent(text), Ct));
    }
}
