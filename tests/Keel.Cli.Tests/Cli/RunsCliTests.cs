using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Cli;

public sealed class RunsCliTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>An experiment with two runs: a (lr 0.1, depth 5, rmse 0.81, r2 0.7, finished) and b (lr 0.05, depth 5, rmse 0.77).</summary>
    private async Task<(string ExperimentId, string Name, string RunA, string RunB)> SeedAsync()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("cli-runs");
        var experimentId = await client.CreateExperimentAsync(name, cancellationToken: _ct);
        var a = await client.CreateRunAsync(new CreateRunCommand(experimentId, "alice", "tree-a", 1_700_000_000_000, null), _ct);
        var b = await client.CreateRunAsync(new CreateRunCommand(experimentId, "bob", "tree-b", 1_700_000_001_000, null), _ct);
        await client.LogBatchAsync(a.Info.RunId, [new Metric("rmse", 0.81, 1_700_000_000_500, 3), new Metric("r2", 0.7, 1_700_000_000_500, 0)], [new Param("lr", "0.1"), new Param("depth", "5")], [], _ct);
        await client.LogBatchAsync(b.Info.RunId, [new Metric("rmse", 0.77, 1_700_000_001_500, 3)], [new Param("lr", "0.05"), new Param("depth", "5")], [], _ct);
        await client.UpdateRunAsync(a.Info.RunId, RunStatus.Finished, 1_700_000_012_300, cancellationToken: _ct);
        return (experimentId, name, a.Info.RunId, b.Info.RunId);
    }

    [Fact]
    public async Task List_ByExperimentId_ShowsEveryRunInATable()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "list", "--experiment-id", seed.ExperimentId);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\s*Run ID\s+Name\s+Experiment\s+Status\s+Started \(UTC\)\s+Duration\s+User$", result.Lines[0]);
        var rowA = Assert.Single(result.Lines, l => l.Contains(seed.RunA, StringComparison.Ordinal));
        Assert.Matches(@"tree-a\s+\S+\s+FINISHED\s+2023-11-14 22:13:20\s+12\.3s\s+alice", rowA);
        Assert.Contains(result.Lines, l => l.Contains(seed.RunB, StringComparison.Ordinal) && l.Contains("RUNNING", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_ByExperimentName_Json_ReturnsRunsInMlflowShape()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "list", "-n", seed.Name, "--json");

        Assert.Equal(0, result.ExitCode);
        var ids = result.Json().EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()).Order();
        Assert.Equal(new[] { seed.RunA, seed.RunB }.Order(), ids);
        var a = Assert.Single(result.Json().EnumerateArray(), r => r.GetProperty("info").GetProperty("run_id").GetString() == seed.RunA);
        Assert.Equal("FINISHED", a.GetProperty("info").GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_WithoutExperiment_IsAUsageError()
    {
        var result = await CliRun.AgainstAsync(server, "runs", "list");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "--experiment-id");
    }

    [Fact]
    public async Task List_UnknownExperimentName_FailsWithResourceDoesNotExist()
    {
        var result = await CliRun.AgainstAsync(server, "runs", "list", "-n", KeelServerFixture.UniqueName("nope"));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task List_Filter_IsPassedToTheServer()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "list", "-x", seed.ExperimentId, "--filter", "metrics.rmse < 0.8", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = Assert.Single(result.Json().EnumerateArray());
        Assert.Equal(seed.RunB, run.GetProperty("info").GetProperty("run_id").GetString());
    }

    [Fact]
    public async Task Show_PrintsInfoParamsMetricsAndTags()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "show", seed.RunA);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Lines, l => l.StartsWith("Run ID", StringComparison.Ordinal) && l.EndsWith(seed.RunA, StringComparison.Ordinal));
        Assert.Contains(result.Lines, l => l.StartsWith("Status", StringComparison.Ordinal) && l.EndsWith("FINISHED", StringComparison.Ordinal));
        Assert.Contains(result.Lines, l => l.StartsWith("Duration", StringComparison.Ordinal) && l.EndsWith("12.3s", StringComparison.Ordinal));
        Assert.Contains("Params", result.Lines);
        Assert.Contains("Metrics", result.Lines);
        Assert.Contains(result.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*lr\s+0\.1$"));
        Assert.Contains(result.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*rmse\s+0\.81\s+3\s+2023-11-14 22:13:20$"));
    }

    [Fact]
    public async Task Show_Json_IsTheRunInMlflowShape()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "show", seed.RunA, "--json");

        var root = result.Json();
        Assert.Equal(seed.RunA, root.GetProperty("info").GetProperty("run_id").GetString());
        Assert.Contains(root.GetProperty("data").GetProperty("params").EnumerateArray(), p => p.GetProperty("key").GetString() == "lr" && p.GetProperty("value").GetString() == "0.1");
        CliRun.AssertOnlyStoreLine(result);
    }

    [Fact]
    public async Task Show_UnknownRun_FailsWithOneLine()
    {
        var result = await CliRun.AgainstAsync(server, "runs", "show", new string('a', 32));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Compare_Table_MarksOnlyTheDifferingRows()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "compare", seed.RunA, seed.RunB);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"tree-a ({seed.RunA})", result.Lines[1], StringComparison.Ordinal);
        Assert.Contains($"tree-b ({seed.RunB})", result.Lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^\s+depth\s+5\s+5$", Assert.Single(result.Lines, l => l.Contains("depth", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*\*\s+lr\s+0\.1\s+0\.05$", Assert.Single(result.Lines, l => l.Contains(" lr ", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*\*\s+rmse\s+0\.81\s+0\.77$", Assert.Single(result.Lines, l => l.Contains("rmse", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*\*\s+r2\s+0\.7\s+-$", Assert.Single(result.Lines, l => l.Contains("r2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Compare_OnAColourTerminal_HighlightsOnlyDifferingValues()
    {
        var seed = await SeedAsync();

        var result = await CliRun.RunAsync(["runs", "compare", seed.RunA, seed.RunB, "--tracking-uri", server.BaseAddress.AbsoluteUri], color: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lr = Assert.Single(result.Lines, l => l.Contains("lr", StringComparison.Ordinal) && l.Contains("0.05", StringComparison.Ordinal));
        var depth = Assert.Single(result.Lines, l => l.Contains("depth", StringComparison.Ordinal));
        Assert.Contains("\u001b[", lr, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", depth, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_OnlyDiff_HidesEqualRows()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "compare", seed.RunA, seed.RunB, "--only-diff");

        Assert.DoesNotContain(result.Lines, l => l.Contains("depth", StringComparison.Ordinal));
        Assert.Contains(result.Lines, l => l.Contains(" lr ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compare_Json_GivesValuesPerRunAndDiffers()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "compare", seed.RunA, seed.RunB, "--json");

        var root = result.Json();
        Assert.Equal([seed.RunA, seed.RunB], root.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()));
        var lr = Assert.Single(root.GetProperty("params").EnumerateArray(), p => p.GetProperty("key").GetString() == "lr");
        Assert.True(lr.GetProperty("differs").GetBoolean());
        Assert.Equal("0.05", lr.GetProperty("values").GetProperty(seed.RunB).GetString());
        var depth = Assert.Single(root.GetProperty("params").EnumerateArray(), p => p.GetProperty("key").GetString() == "depth");
        Assert.False(depth.GetProperty("differs").GetBoolean());
        var r2 = Assert.Single(root.GetProperty("metrics").EnumerateArray(), p => p.GetProperty("key").GetString() == "r2");
        Assert.Equal(0.7, r2.GetProperty("values").GetProperty(seed.RunA).GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, r2.GetProperty("values").GetProperty(seed.RunB).ValueKind);
    }

    [Fact]
    public async Task Compare_OneRun_IsAUsageError()
    {
        var result = await CliRun.AgainstAsync(server, "runs", "compare", "abc");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "at least two run ids");
    }

    [Fact]
    public async Task Delete_MarksTheRunsDeleted()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "delete", seed.RunA, seed.RunB);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([$"Deleted run {seed.RunA}.", $"Deleted run {seed.RunB}."], result.Lines);
        using var client = server.CreateClient();
        Assert.Equal(LifecycleStage.Deleted, (await client.GetRunAsync(seed.RunA, _ct)).Info.LifecycleStage);
    }

    [Fact]
    public async Task Delete_Json_ListsTheRuns()
    {
        var seed = await SeedAsync();

        var result = await CliRun.AgainstAsync(server, "runs", "delete", seed.RunB, "--json");

        Assert.Equal([seed.RunB], result.Json().GetProperty("run_ids").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Delete_UnknownRun_FailsWithOneLine()
    {
        var result = await CliRun.AgainstAsync(server, "runs", "delete", new string('b', 32));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }
}
