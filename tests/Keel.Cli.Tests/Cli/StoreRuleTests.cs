using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Cli.Tests.Train;

namespace Keel.Cli.Tests.Cli;

/// <summary>
/// One store rule for every command (MLflow's): no URI means the local store in ./keel-data; a URI
/// (--tracking-uri, KEEL_TRACKING_URI, MLFLOW_TRACKING_URI) means that store; each command says on
/// one stderr line which store it used.
/// </summary>
public sealed class StoreRuleTests(KeelServerFixture server) : IDisposable
{
    private readonly TrainPipelines _pipelines = new();
    private readonly string _cwd = Directory.CreateTempSubdirectory("keel-store-rule-").FullName;

    public void Dispose()
    {
        _pipelines.Dispose();
        try
        {
            Directory.Delete(_cwd, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing SQLite pool; the OS cleans the temp folder.
        }
    }

    /// <summary>Commands that work on an empty store, as a user types them.</summary>
    public static TheoryData<string[]> ReadCommands() => new()
    {
        new[] { "experiments", "list" },
        new[] { "runs", "list", "--experiment-id", "0" },
        new[] { "models", "list" },
        new[] { "serving", "list" },
    };

    private string LocalDatabase => Path.Combine(_cwd, "keel-data", "keel.db");

    private string LocalLine => $"store: sqlite:///{LocalDatabase} (local, default)\n";

    private Task<CliResult> LocalAsync(params string[] args) => CliRun.RunAsync(args, workingDirectory: _cwd);

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public async Task Command_WithNoUri_UsesTheLocalStoreInKeelData_AndSaysSoOnStderrOnly(string[] args)
    {
        var result = await LocalAsync([.. args, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(LocalLine, result.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("store:", result.Out, StringComparison.Ordinal);
        _ = result.Json();
        Assert.True(File.Exists(LocalDatabase));
    }

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public async Task Command_WithTrackingUri_UsesTheServer_AndNamesTheOption(string[] args)
    {
        var result = await CliRun.RunAsync([.. args, "--json", "--tracking-uri", server.BaseAddress.AbsoluteUri], workingDirectory: _cwd);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"store: {server.BaseAddress.AbsoluteUri} (--tracking-uri)\n", result.Error.ReplaceLineEndings("\n"));
        _ = result.Json();
        Assert.False(Directory.Exists(Path.Combine(_cwd, "keel-data")));
    }

    [Theory]
    [InlineData("KEEL_TRACKING_URI")]
    [InlineData("MLFLOW_TRACKING_URI")]
    public async Task Command_WithTheEnvironmentVariable_UsesTheServer_AndNamesTheVariable(string variable)
    {
        var env = new Dictionary<string, string> { [variable] = server.BaseAddress.AbsoluteUri };

        var result = await CliRun.RunAsync(["models", "list", "--json"], env, workingDirectory: _cwd);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"store: {server.BaseAddress.AbsoluteUri} ({variable})\n", result.Error.ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(Path.Combine(_cwd, "keel-data")));
    }

    [Fact]
    public async Task TrackingUri_ASqliteUri_IsALocalStore()
    {
        var database = Path.Combine(_cwd, "other", "keel.db");

        var result = await CliRun.RunAsync(["experiments", "create", "x", "--tracking-uri", "sqlite:///" + database], workingDirectory: _cwd);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"store: sqlite:///{database} (--tracking-uri)\n", result.Error.ReplaceLineEndings("\n"));
        Assert.True(File.Exists(database));
    }

    [Fact]
    public async Task TrackingUri_NeitherAServerNorAStore_IsAUsageError()
    {
        var result = await LocalAsync("models", "list", "--tracking-uri", "ftp://example.com");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "expected a server (http:// or https:// URL) or a store (sqlite:///");
    }

    /// <summary>
    /// The workflow end to end with no URI: train, then every other command finds the run and the
    /// model in ./keel-data — the store train used is the one models, runs, artifacts, validate and
    /// serving use.
    /// </summary>
    [Fact]
    public async Task TrainThenEveryCommand_WithNoUri_WorkOnTheSameLocalStore()
    {
        var name = KeelServerFixture.UniqueName("local");
        var trained = await LocalAsync("train", _pipelines.Write(name, name), "--json");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.StartsWith(LocalLine, trained.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var runId = trained.Json().GetProperty("run_id").GetString()!;

        var versions = await OkLocalAsync("models", "versions", name, "--json");
        Assert.Equal("1", Assert.Single(versions.Json().EnumerateArray()).GetProperty("version").GetString());

        var runs = await OkLocalAsync("runs", "list", "--experiment-name", name, "--json");
        Assert.Equal(runId, Assert.Single(runs.Json().EnumerateArray()).GetProperty("info").GetProperty("run_id").GetString());

        var artifacts = await OkLocalAsync("artifacts", "list", runId, "model", "--json");
        Assert.Contains(artifacts.Json().EnumerateArray(), f => f.GetProperty("path").GetString() == "model/model.zip");

        var download = Path.Combine(_cwd, "download");
        await OkLocalAsync("artifacts", "download", runId, "model/keel-model.json", download);
        Assert.True(File.Exists(Path.Combine(download, "model", "keel-model.json")));

        var note = Path.Combine(_cwd, "note.txt");
        await File.WriteAllTextAsync(note, "hello", TestContext.Current.CancellationToken);
        await OkLocalAsync("artifacts", "upload", runId, note, "--artifact-path", "notes");
        Assert.True(File.Exists(Path.Combine(_cwd, "keel-data", "artifacts", "1", runId, "artifacts", "notes", "note.txt"))
            || Directory.GetFiles(Path.Combine(_cwd, "keel-data", "artifacts"), "note.txt", SearchOption.AllDirectories).Length == 1);

        await OkLocalAsync("models", "promote", name, "1", "--stage", "staging");
        var shown = await OkLocalAsync("models", "show", $"models:/{name}/Staging", "--json");
        Assert.Contains("\"version\": \"1\"", shown.Out, StringComparison.Ordinal);

        var validated = await LocalAsync("validate", $"models:/{name}@champion", "--data", TrainPipelines.BreastCancerCsv, "--json");
        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.StartsWith(LocalLine, validated.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var added = await OkLocalAsync("serving", "add", "credit", $"models:/{name}@champion", "--json");
        Assert.Equal("stored", added.Json().GetProperty("status").GetString());
        var served = await OkLocalAsync("serving", "list", "--json");
        Assert.Equal($"models:/{name}@champion", Assert.Single(served.Json().EnumerateArray()).GetProperty("model_uri").GetString());
        await OkLocalAsync("serving", "remove", "credit");
        var removedAgain = await LocalAsync("serving", "remove", "credit");
        CliRun.AssertOneLineError(removedAgain, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Promote_OnALocalStore_AVersionThatFailedItsGates_NeedsForceAndAReason_AsThroughAServer()
    {
        var name = KeelServerFixture.UniqueName("local-gate");
        var trained = await LocalAsync("train", _pipelines.Write(name, name, thresholds: "log_loss: {max: 0.0001}"));
        Assert.True(trained.ExitCode == 1, trained.ToString());

        var refused = await LocalAsync("models", "promote", name, "1", "--stage", "production");
        var aliasRefused = await LocalAsync("models", "alias", name, "champion", "1");
        var forced = await LocalAsync("models", "promote", name, "1", "--stage", "production", "--force", "--reason", "hotfix");

        CliRun.AssertOneLineError(refused, ExitCodes.Failure, "failed its validation gates");
        CliRun.AssertOneLineError(aliasRefused, ExitCodes.Failure, "failed its validation gates");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        var history = await OkLocalAsync("models", "history", name, "--json");
        Assert.Contains("[forced past failed gates", history.Out, StringComparison.Ordinal);
    }

    /// <summary>The real executable in a temp working directory: train, then serve, both with no URI.</summary>
    [Fact]
    public async Task KeelExecutable_TrainThenServe_WithNoUri_UseKeelDataInTheWorkingDirectory()
    {
        var name = KeelServerFixture.UniqueName("exe-local");
        var trained = await KeelProcess.RunAsync(["train", _pipelines.Write(name, name), "--json"], workingDirectory: _cwd);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.StartsWith(LocalLine, trained.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(File.Exists(LocalDatabase));

        using var process = System.Diagnostics.Process.Start(KeelProcess.StartInfo(["serve", $"models:/{name}@champion", "--port", "0"], workingDirectory: _cwd))!;
        try
        {
            var stderr = await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.Equal(LocalLine.TrimEnd('\n'), stderr);
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            }
            while (line is not null && !line.StartsWith("Serving ", StringComparison.Ordinal));

            Assert.NotNull(line);
            Assert.Matches($"^Serving {name} version 1 on http://127\\.0\\.0\\.1:\\d+$", line);
            using var http = new HttpClient { BaseAddress = new Uri(line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..]) };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/ping", TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task AdminCheck_WithNoUri_ChecksTheLocalStore_AndRefusesAServer()
    {
        await OkLocalAsync("experiments", "list");

        var checkedLocal = await LocalAsync("admin", "check");
        var refused = await LocalAsync("admin", "check", "--tracking-uri", server.BaseAddress.AbsoluteUri);

        Assert.True(checkedLocal.ExitCode == 0, checkedLocal.ToString());
        Assert.Equal(LocalLine, checkedLocal.Error.ReplaceLineEndings("\n"));
        CliRun.AssertOneLineError(refused, 2, "reads a local sqlite:/// store; got the server");
    }

    [Fact]
    public async Task ServingAdd_OnALocalStore_RefusesAModelTheRegistryDoesNotHave()
    {
        var result = await LocalAsync("serving", "add", "credit", "models:/nothing-here@champion");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public void HelpTexts_StateTheRule_AndNoneSaysAServerIsTheDefault()
    {
        var root = KeelCli.CreateRootCommand(new CliSettings { GetEnvironmentVariable = _ => null });
        var option = root.Options.Single(o => o.Name == "--tracking-uri");

        Assert.Contains("then the local store in ./keel-data", option.Description, StringComparison.Ordinal);
        foreach (var command in All(root))
        {
            foreach (var text in command.Options.Select(o => o.Description).Append(command.Description))
            {
                Assert.DoesNotContain(":5000", text ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("models", "list")]
    [InlineData("train")]
    [InlineData("validate")]
    [InlineData("serve")]
    [InlineData("serving", "add")]
    [InlineData("predictions", "export")]
    [InlineData("artifacts", "list")]
    [InlineData("admin", "check")]
    public async Task Help_OfEachCommand_StatesTheDefaultLocalStore(params string[] path)
    {
        var result = await LocalAsync([.. path, "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var help = string.Join(' ', result.Out.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("then the local store in ./keel-data (sqlite:///keel-data/keel.db", help, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:5000", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoUri_IsTheDefaultUnderTheWorkingDirectory()
    {
        var location = StoreChoice.Resolve(null, null, null, new CliSettings { GetEnvironmentVariable = _ => null, WorkingDirectory = _cwd });

        Assert.True(location.IsLocal);
        Assert.Equal(LocalDatabase, location.DatabasePath);
        Assert.Equal(Path.Combine(_cwd, "keel-data", "artifacts"), location.ArtifactRoot);
        Assert.Equal("local, default", location.Origin);
    }

    [Fact]
    public void Resolve_TrackingUriBeatsTheEnvironment_AndBothKindsOfStoreNamedIsAnError()
    {
        var settings = new CliSettings { GetEnvironmentVariable = n => n == "KEEL_TRACKING_URI" ? "http://env:1/" : null, WorkingDirectory = _cwd };

        Assert.Equal("--tracking-uri", StoreChoice.Resolve("http://flag:2/", null, null, settings).Origin);
        Assert.Equal("KEEL_TRACKING_URI", StoreChoice.Resolve(null, null, null, settings).Origin);
        Assert.Equal("--backend-store-uri", StoreChoice.Resolve(null, "sqlite:///" + LocalDatabase, null, settings).Origin);
        Assert.Throws<UsageException>(() => StoreChoice.Resolve("http://flag:2/", "sqlite:///" + LocalDatabase, null, settings));
    }

    private async Task<CliResult> OkLocalAsync(params string[] args)
    {
        var result = await LocalAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(LocalLine, result.Error.ReplaceLineEndings("\n"));
        return result;
    }

    private static IEnumerable<Command> All(Command command) => command.Subcommands.SelectMany(All).Prepend(command);
}
