using System.Text;
using Keel.Cli.Tests.Infrastructure;
using Keel.Client;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Client;

public sealed class ArtifactsClientTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _local = Directory.CreateTempSubdirectory("keel-artifacts-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    private async Task<(KeelClient Client, RunInfo Run)> NewRunAsync()
    {
        var client = server.CreateClient();
        var experimentId = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("art"), cancellationToken: _ct);
        var run = await client.CreateRunAsync(experimentId, cancellationToken: _ct);
        return (client, run.Info);
    }

    [Fact]
    public void RunArtifactsProxyPath_FollowsTheMlflowArtifactsUri()
    {
        var info = new RunInfo("r1", "r1", "n", "5", "u", RunStatus.Running, 1, null, "mlflow-artifacts:/5/r1/artifacts", LifecycleStage.Active);

        Assert.Equal("5/r1/artifacts", KeelClient.RunArtifactsProxyPath(info));
        Assert.Equal("5/r1/artifacts", KeelClient.RunArtifactsProxyPath(info with { ArtifactUri = "mlflow-artifacts://host:5000/5/r1/artifacts" }));
        Assert.Equal("5/r1/artifacts", KeelClient.RunArtifactsProxyPath(info with { ArtifactUri = "s3://bucket/elsewhere" }));
    }

    [Fact]
    public async Task ProxyUploadDownloadListDelete_RoundTripsAFile()
    {
        var (client, run) = await NewRunAsync();
        using var _ = client;
        var root = KeelClient.RunArtifactsProxyPath(run);
        var bytes = Encoding.UTF8.GetBytes("hello, keel");

        using (var upload = new MemoryStream(bytes))
        {
            await client.UploadArtifactAsync($"{root}/notes/hello.txt", upload, _ct);
        }

        using var download = new MemoryStream();
        await client.DownloadArtifactAsync($"{root}/notes/hello.txt", download, _ct);
        var listing = await client.ListProxiedArtifactsAsync($"{root}/notes", _ct);
        await client.DeleteArtifactAsync($"{root}/notes/hello.txt", _ct);
        var afterDelete = await Assert.ThrowsAsync<KeelException>(() => client.DownloadArtifactAsync($"{root}/notes/hello.txt", Stream.Null, _ct));

        Assert.Equal(bytes, download.ToArray());
        var entry = Assert.Single(listing);
        Assert.Equal("hello.txt", entry.Path);
        Assert.False(entry.IsDir);
        Assert.Equal(bytes.Length, entry.FileSize);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, afterDelete.Code);
    }

    [Fact]
    public async Task ListArtifacts_ReturnsPathsRelativeToTheRunRoot()
    {
        var (client, run) = await NewRunAsync();
        using var _ = client;
        var root = KeelClient.RunArtifactsProxyPath(run);
        using (var a = new MemoryStream([1, 2, 3]))
        {
            await client.UploadArtifactAsync($"{root}/model/weights.bin", a, _ct);
        }

        using (var b = new MemoryStream([4]))
        {
            await client.UploadArtifactAsync($"{root}/readme.md", b, _ct);
        }

        var top = await client.ListArtifactsAsync(run.RunId, cancellationToken: _ct);
        var model = await client.ListArtifactsAsync(run.RunId, "model", _ct);
        var page = await client.ListArtifactsPageAsync(run.RunId, null, null, _ct);

        Assert.Equal([("model", true), ("readme.md", false)], top.Select(f => (f.Path, f.IsDir)).Order());
        Assert.Equal("model/weights.bin", Assert.Single(model).Path);
        Assert.Equal(3, Assert.Single(model).FileSize);
        Assert.Equal(run.ArtifactUri, page.RootUri);
    }

    [Fact]
    public async Task UploadRunArtifacts_DirectoryThenDownloadRunArtifacts_RoundTripsTheTree()
    {
        var (client, run) = await NewRunAsync();
        using var _ = client;
        var source = Directory.CreateDirectory(Path.Combine(_local, "src")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "sub"));
        await File.WriteAllTextAsync(Path.Combine(source, "a.txt"), "A", _ct);
        await File.WriteAllTextAsync(Path.Combine(source, "sub", "b.txt"), "B", _ct);

        var uploaded = await client.UploadRunArtifactsAsync(run.RunId, source, "data", _ct);
        var dest = Path.Combine(_local, "dest");
        var downloaded = await client.DownloadRunArtifactsAsync(run.RunId, "data", dest, _ct);

        Assert.Equal(["data/a.txt", "data/sub/b.txt"], uploaded);
        Assert.Equal(2, downloaded.Count);
        Assert.Equal("A", await File.ReadAllTextAsync(Path.Combine(dest, "data", "a.txt"), _ct));
        Assert.Equal("B", await File.ReadAllTextAsync(Path.Combine(dest, "data", "sub", "b.txt"), _ct));
    }

    [Fact]
    public async Task UploadRunArtifacts_SingleFile_LandsUnderArtifactPathWithItsName_AndDownloadsAlone()
    {
        var (client, run) = await NewRunAsync();
        using var _ = client;
        var file = Path.Combine(_local, "metrics.json");
        await File.WriteAllTextAsync(file, "{}", _ct);

        var uploaded = await client.UploadRunArtifactsAsync(run.RunId, file, "eval", _ct);
        var downloaded = await client.DownloadRunArtifactsAsync(run.RunId, "eval/metrics.json", Path.Combine(_local, "out"), _ct);

        Assert.Equal(["eval/metrics.json"], uploaded);
        Assert.Equal([Path.Combine(_local, "out", "eval", "metrics.json")], downloaded);
        Assert.Equal("{}", await File.ReadAllTextAsync(downloaded[0], _ct));
    }

    [Fact]
    public async Task DownloadRunArtifacts_MissingPath_ThrowsResourceDoesNotExist()
    {
        var (client, run) = await NewRunAsync();
        using var _ = client;

        var e = await Assert.ThrowsAsync<KeelException>(() => client.DownloadRunArtifactsAsync(run.RunId, "nope.txt", Path.Combine(_local, "x"), _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
        Assert.False(File.Exists(Path.Combine(_local, "x", "nope.txt.partial")));
    }

    [Fact]
    public async Task DownloadRunArtifacts_ListingThatEscapesTheDestination_IsRefusedBeforeWriting()
    {
        const string run = """{"run":{"info":{"run_id":"r1","run_uuid":"r1","run_name":"n","experiment_id":"1","user_id":"u","status":"RUNNING","start_time":1,"artifact_uri":"mlflow-artifacts:/1/r1/artifacts","lifecycle_stage":"active"},"data":{"metrics":[],"params":[],"tags":[]},"inputs":{"dataset_inputs":[]}}}""";
        await using var stub = await StubServer.StartAsync((ctx, _) => ctx.Request.Path.Value switch
        {
            "/api/2.0/mlflow/runs/get" => StubServer.JsonAsync(ctx, 200, run),
            "/api/2.0/mlflow/artifacts/list" => StubServer.JsonAsync(ctx, 200, """{"files":[{"path":"../../evil.txt","is_dir":false,"file_size":1}]}"""),
            _ => StubServer.JsonAsync(ctx, 200, "x"),
        });
        using var client = new KeelClient(stub.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });
        var dest = Path.Combine(_local, "inner", "dest");

        var e = await Assert.ThrowsAsync<KeelException>(() => client.DownloadRunArtifactsAsync("r1", null, dest, _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.False(File.Exists(Path.Combine(_local, "evil.txt")));
        Assert.Equal(2, stub.Requests);
    }

    [Fact]
    public async Task UploadRunArtifacts_MissingLocalPath_ThrowsFileNotFound()
    {
        var (client, run) = await NewRunAsync();
        using var _ = client;

        await Assert.ThrowsAsync<FileNotFoundException>(() => client.UploadRunArtifactsAsync(run.RunId, Path.Combine(_local, "missing"), null, _ct));
    }
}
