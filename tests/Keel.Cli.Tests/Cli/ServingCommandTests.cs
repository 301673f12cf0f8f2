using System.Text.RegularExpressions;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Cli.Tests.Train;

namespace Keel.Cli.Tests.Cli;

/// <summary><c>keel serving add|list|remove</c> against the real loopback server, with a model trained and registered by <c>keel train</c>.</summary>
public sealed class ServingCommandTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await CliRun.AgainstAsync(server, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        CliRun.AssertOnlyStoreLine(result);
        return result;
    }

    /// <summary>Trains the breast-cancer pipeline and registers it with the alias champion; returns the registered name.</summary>
    private async Task<string> TrainAndRegisterAsync()
    {
        var model = KeelServerFixture.UniqueName("serving-model");
        await OkAsync("train", _pipelines.Write(model, model));
        return model;
    }

    [Fact]
    public async Task Help_ListsAddListRemove()
    {
        var result = await CliRun.RunAsync(["serving", "--help"]);

        foreach (var verb in new[] { "add", "list", "remove" })
        {
            Assert.Contains(result.Lines, l => Regex.IsMatch(l, $@"^\s+{verb}\s"));
        }
    }

    [Fact]
    public async Task AddListRemove_ServesTheRegisteredVersionUntilRemoved()
    {
        var model = await TrainAndRegisterAsync();
        var name = KeelServerFixture.UniqueName("served");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var added = await OkAsync("serving", "add", name, $"models:/{model}@champion");
        Assert.Equal([$"Serving '{name}': models:/{model}@champion (version 1), ready at /serving/{name}/invocations."], added.Lines);
        Assert.Equal(200, (int)(await http.GetAsync($"/serving/{name}/ping", _ct)).StatusCode);

        var table = await OkAsync("serving", "list");
        Assert.Matches(@"^\s*Name\s+Version\s+Model URI\s+Ready\s+Task\s+Algorithm\s+Endpoint$", table.Lines[0]);
        var row = Assert.Single(table.Lines, l => l.TrimStart().StartsWith(name, StringComparison.Ordinal));
        Assert.Matches($@"^\s*{name}\s+1\s+models:/{model}@champion\s+yes\s+binary\s+SdcaLogisticRegression\s+/serving/{name}/invocations$", row);

        var json = (await OkAsync("serving", "list", "--json")).Json();
        var listed = Assert.Single(json.EnumerateArray(), m => m.GetProperty("name").GetString() == name);
        Assert.Equal("1", listed.GetProperty("version").GetString());
        Assert.Equal($"models:/{model}@champion", listed.GetProperty("model_uri").GetString());
        Assert.True(listed.GetProperty("ready").GetBoolean());
        Assert.Contains(listed.GetProperty("inputs").EnumerateArray(), c => c.GetProperty("name").GetString() == "mean_radius");

        var removed = await OkAsync("serving", "remove", name);
        Assert.Equal([$"Stopped serving '{name}'."], removed.Lines);
        Assert.Equal(404, (int)(await http.GetAsync($"/serving/{name}/ping", _ct)).StatusCode);
        Assert.DoesNotContain((await OkAsync("serving", "list", "--json")).Json().EnumerateArray(), m => m.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Add_Json_PrintsTheServedModel_AndRemoveJsonConfirms()
    {
        var model = await TrainAndRegisterAsync();
        var name = KeelServerFixture.UniqueName("served-json");

        var added = (await OkAsync("serving", "add", name, $"models:/{model}/1", "--json")).Json();
        var removed = (await OkAsync("serving", "remove", name, "--json")).Json();

        Assert.Equal((name, "1", $"models:/{model}/1", true), (added.GetProperty("name").GetString(), added.GetProperty("version").GetString(), added.GetProperty("model_uri").GetString(), added.GetProperty("ready").GetBoolean()));
        Assert.Equal("binary", added.GetProperty("task").GetString());
        Assert.Equal((name, true), (removed.GetProperty("name").GetString(), removed.GetProperty("removed").GetBoolean()));
    }

    [Fact]
    public async Task Add_NotAModelsUri_Exit1_WithoutCallingTheServer()
    {
        var result = await CliRun.RunAsync(["serving", "add", "x", "runs:/abc/model", "--tracking-uri", "http://127.0.0.1:9"]);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "Invalid model URI 'runs:/abc/model'");
    }

    [Fact]
    public async Task Add_UnknownRegisteredModel_Exit1_WithTheServersError()
    {
        var result = await CliRun.AgainstAsync(server, "serving", "add", KeelServerFixture.UniqueName("served"), $"models:/{KeelServerFixture.UniqueName("missing")}/1");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Remove_NotServed_Exit1_OneLine()
    {
        var name = KeelServerFixture.UniqueName("never-served");

        var result = await CliRun.AgainstAsync(server, "serving", "remove", name);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, $"No model named '{name}' is being served. (RESOURCE_DOES_NOT_EXIST)");
    }

    [Fact]
    public async Task List_UnreachableServer_Exit2_OneLine()
    {
        var result = await CliRun.RunAsync(["serving", "list"], new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = "http://127.0.0.1:9" });

        CliRun.AssertOneLineError(result, ExitCodes.Unreachable, "cannot reach the tracking server");
    }
}
