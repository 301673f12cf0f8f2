using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Cli;

public sealed class ArtifactsCliTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _local = Directory.CreateTempSubdirectory("keel-cli-art-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    private async Task<string> NewRunAsync()
    {
        using var client = server.CreateClient();
        var experimentId = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("cli-art"), cancellationToken: _ct);
        return (await client.CreateRunAsync(experimentId, cancellationToken: _ct)).Info.RunId;
    }

    /// <summary>A local tree: model/weights.bin (4 bytes), model/conf/params.json, readme.md.</summary>
    private async Task<string> LocalTreeAsync()
    {
        var root = Directory.CreateDirectory(Path.Combine(_local, "tree")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "model", "conf"));
        await File.WriteAllBytesAsync(Path.Combine(root, "model", "weights.bin"), [1, 2, 3, 4], _ct);
        await File.WriteAllTextAsync(Path.Combine(root, "model", "conf", "params.json"), "{\"lr\":0.1}", _ct);
        await File.WriteAllTextAsync(Path.Combine(root, "readme.md"), "# model", _ct);
        return root;
    }

    [Fact]
    public async Task UploadDirectory_ThenListRecursive_ShowsTheTreeWithSizes()
    {
        var runId = await NewRunAsync();
        var tree = await LocalTreeAsync();

        var upload = await CliRun.AgainstAsync(server, "artifacts", "upload", runId, tree);
        var list = await CliRun.AgainstAsync(server, "artifacts", "list", runId, "--recursive");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal(["model/conf/params.json", "model/weights.bin", "readme.md", $"Uploaded 3 files to run {runId}."], upload.Lines);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"^\s*Path\s+Type\s+Size$", list.Lines[0]);
        Assert.Matches(@"^\s*model/weights\.bin\s+file\s+4$", Assert.Single(list.Lines, l => l.Contains("weights.bin", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*model\s+dir$", Assert.Single(list.Lines, l => l.TrimStart().StartsWith("model ", StringComparison.Ordinal)));
        Assert.Contains(list.Lines, l => l.Contains("model/conf/params.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_Json_IsAnArrayOfFileInfos()
    {
        var runId = await NewRunAsync();
        await CliRun.AgainstAsync(server, "artifacts", "upload", runId, await LocalTreeAsync());

        var result = await CliRun.AgainstAsync(server, "artifacts", "list", runId, "model", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var entries = result.Json().EnumerateArray().ToList();
        Assert.Equal(["model/conf", "model/weights.bin"], entries.Select(e => e.GetProperty("path").GetString()));
        Assert.True(entries[0].GetProperty("is_dir").GetBoolean());
        Assert.Equal(4, entries[1].GetProperty("file_size").GetInt64());
    }

    [Fact]
    public async Task UploadFile_WithArtifactPath_ThenDownloadTheFile()
    {
        var runId = await NewRunAsync();
        var file = Path.Combine(_local, "report.txt");
        await File.WriteAllTextAsync(file, "accuracy 0.93", _ct);
        var dest = Path.Combine(_local, "out");

        var upload = await CliRun.AgainstAsync(server, "artifacts", "upload", runId, file, "--artifact-path", "eval");
        var download = await CliRun.AgainstAsync(server, "artifacts", "download", runId, "eval/report.txt", "--dest", dest);

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal("eval/report.txt", upload.Lines[0]);
        Assert.True(download.ExitCode == 0, download.ToString());
        Assert.Equal("accuracy 0.93", await File.ReadAllTextAsync(Path.Combine(dest, "eval", "report.txt"), _ct));
        Assert.Equal($"Downloaded 1 file to {dest}.", download.Lines[^1]);
    }

    [Fact]
    public async Task DownloadDirectory_IsRecursive()
    {
        var runId = await NewRunAsync();
        await CliRun.AgainstAsync(server, "artifacts", "upload", runId, await LocalTreeAsync());
        var dest = Path.Combine(_local, "dl");

        var result = await CliRun.AgainstAsync(server, "artifacts", "download", runId, "model", "-d", dest, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.Json().GetProperty("files").GetArrayLength());
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(Path.Combine(dest, "model", "weights.bin"), _ct));
        Assert.Equal("{\"lr\":0.1}", await File.ReadAllTextAsync(Path.Combine(dest, "model", "conf", "params.json"), _ct));
        Assert.False(File.Exists(Path.Combine(dest, "readme.md")));
    }

    [Fact]
    public async Task Download_DestinationAsThirdArgument_AsInTheReadme()
    {
        var runId = await NewRunAsync();
        await CliRun.AgainstAsync(server, "artifacts", "upload", runId, await LocalTreeAsync());
        var dest = Path.Combine(_local, "positional");

        var result = await CliRun.AgainstAsync(server, "artifacts", "download", runId, "model", dest);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(dest, "model", "weights.bin")));
    }

    [Fact]
    public async Task Download_DestinationTwice_IsAUsageError()
    {
        var result = await CliRun.AgainstAsync(server, "artifacts", "download", new string('e', 32), "model", _local, "--dest", _local);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "destination once");
    }

    [Fact]
    public async Task DownloadEverything_WithoutPath()
    {
        var runId = await NewRunAsync();
        await CliRun.AgainstAsync(server, "artifacts", "upload", runId, await LocalTreeAsync());
        var dest = Path.Combine(_local, "all");

        var result = await CliRun.AgainstAsync(server, "artifacts", "download", runId, "-d", dest);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(dest, "readme.md")));
        Assert.True(File.Exists(Path.Combine(dest, "model", "conf", "params.json")));
        Assert.Equal($"Downloaded 3 files to {dest}.", result.Lines[^1]);
    }

    [Fact]
    public async Task Upload_Json_ListsArtifactPaths()
    {
        var runId = await NewRunAsync();
        var file = Path.Combine(_local, "a.txt");
        await File.WriteAllTextAsync(file, "a", _ct);

        var result = await CliRun.AgainstAsync(server, "artifacts", "upload", runId, file, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["a.txt"], result.Json().GetProperty("artifact_paths").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Upload_MissingLocalFile_FailsWithOneLine()
    {
        var runId = await NewRunAsync();

        var result = await CliRun.AgainstAsync(server, "artifacts", "upload", runId, Path.Combine(_local, "missing.bin"));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "missing.bin");
    }

    [Fact]
    public async Task Download_MissingArtifact_FailsWithOneLine()
    {
        var runId = await NewRunAsync();

        var result = await CliRun.AgainstAsync(server, "artifacts", "download", runId, "nope.txt", "-d", _local);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task List_UnknownRun_FailsWithOneLine()
    {
        var result = await CliRun.AgainstAsync(server, "artifacts", "list", new string('c', 32));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }
}
