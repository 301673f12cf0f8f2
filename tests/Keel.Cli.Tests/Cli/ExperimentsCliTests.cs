using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Cli;

public sealed class ExperimentsCliTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_PrintsTheNewId_AndTheExperimentExists()
    {
        var name = KeelServerFixture.UniqueName("cli-exp");

        var result = await CliRun.AgainstAsync(server, "experiments", "create", name, "--tag", "team=ml", "-t", "tier=gold");

        Assert.Equal(0, result.ExitCode);
        using var client = server.CreateClient();
        var experiment = await client.GetExperimentByNameAsync(name, _ct);
        Assert.Equal($"Created experiment '{name}' with id {experiment.ExperimentId}.", result.Out.Trim());
        Assert.Equal(["team", "tier"], experiment.Tags.Select(t => t.Key).Order());
    }

    [Fact]
    public async Task Create_Json_PrintsOnlyTheIdObject()
    {
        var result = await CliRun.AgainstAsync(server, "experiments", "create", KeelServerFixture.UniqueName("cli-exp"), "--json");

        Assert.Equal(0, result.ExitCode);
        CliRun.AssertOnlyStoreLine(result);
        Assert.False(string.IsNullOrEmpty(result.Json().GetProperty("experiment_id").GetString()));
    }

    [Fact]
    public async Task Create_ExistingName_FailsWithOneLineAndExitCode1()
    {
        var name = KeelServerFixture.UniqueName("cli-dup");
        await CliRun.AgainstAsync(server, "experiments", "create", name);

        var result = await CliRun.AgainstAsync(server, "experiments", "create", name);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_ALREADY_EXISTS");
    }

    [Fact]
    public async Task Create_BadTag_IsAUsageError()
    {
        var result = await CliRun.AgainstAsync(server, "experiments", "create", KeelServerFixture.UniqueName("x"), "--tag", "novalue");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "Invalid tag 'novalue': expected key=value.");
    }

    [Fact]
    public async Task List_Table_HasAlignedHeaderAndTheExperiment()
    {
        var name = KeelServerFixture.UniqueName("cli-list");
        await CliRun.AgainstAsync(server, "experiments", "create", name);

        var result = await CliRun.AgainstAsync(server, "experiments", "list");

        Assert.Equal(0, result.ExitCode);
        var header = result.Lines[0];
        Assert.Matches(@"^\s*ID\s+Name\s+Stage\s+Created \(UTC\)\s+Artifact location$", header);
        var row = Assert.Single(result.Lines, l => l.Contains(name, StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("Name", StringComparison.Ordinal), row.IndexOf(name, StringComparison.Ordinal));
        Assert.Contains("active", row, StringComparison.Ordinal);
        Assert.All(result.Lines, l => Assert.Equal(l.TrimEnd(), l));
    }

    [Fact]
    public async Task List_Json_IsAnArrayOfExperimentsInMlflowShape()
    {
        var name = KeelServerFixture.UniqueName("cli-json");
        await CliRun.AgainstAsync(server, "experiments", "create", name);

        var result = await CliRun.AgainstAsync(server, "experiments", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        var match = Assert.Single(result.Json().EnumerateArray(), e => e.GetProperty("name").GetString() == name);
        Assert.Equal("active", match.GetProperty("lifecycle_stage").GetString());
        Assert.True(match.TryGetProperty("experiment_id", out _));
    }

    [Fact]
    public async Task List_Filter_IsPassedToTheServer()
    {
        var prefix = KeelServerFixture.UniqueName("cli-filter");
        await CliRun.AgainstAsync(server, "experiments", "create", prefix + "-a");
        await CliRun.AgainstAsync(server, "experiments", "create", KeelServerFixture.UniqueName("cli-other"));

        var result = await CliRun.AgainstAsync(server, "experiments", "list", "--filter", $"name LIKE '{prefix}%'", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([prefix + "-a"], result.Json().EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task List_MaxResults_LimitsTheRows()
    {
        await CliRun.AgainstAsync(server, "experiments", "create", KeelServerFixture.UniqueName("cli-max"));
        await CliRun.AgainstAsync(server, "experiments", "create", KeelServerFixture.UniqueName("cli-max"));

        var result = await CliRun.AgainstAsync(server, "experiments", "list", "--max-results", "1", "--json");

        Assert.Single(result.Json().EnumerateArray());
    }

    [Fact]
    public async Task Delete_MovesTheExperimentToTheDeletedView()
    {
        var name = KeelServerFixture.UniqueName("cli-del");
        var id = (await CliRun.AgainstAsync(server, "experiments", "create", name, "--json")).Json().GetProperty("experiment_id").GetString()!;

        var result = await CliRun.AgainstAsync(server, "experiments", "delete", id);
        var deleted = await CliRun.AgainstAsync(server, "experiments", "list", "--view", "deleted", "--json");
        var active = await CliRun.AgainstAsync(server, "experiments", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"Deleted experiment {id}.", result.Out.Trim());
        Assert.Contains(deleted.Json().EnumerateArray(), e => e.GetProperty("experiment_id").GetString() == id);
        Assert.DoesNotContain(active.Json().EnumerateArray(), e => e.GetProperty("experiment_id").GetString() == id);
    }

    [Fact]
    public async Task Delete_Json_ReportsTheId()
    {
        var id = (await CliRun.AgainstAsync(server, "experiments", "create", KeelServerFixture.UniqueName("cli-del"), "--json")).Json().GetProperty("experiment_id").GetString()!;

        var result = await CliRun.AgainstAsync(server, "experiments", "delete", id, "--json");

        Assert.Equal(id, result.Json().GetProperty("experiment_id").GetString());
        Assert.True(result.Json().GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Delete_UnknownId_FailsWithResourceDoesNotExist()
    {
        var result = await CliRun.AgainstAsync(server, "experiments", "delete", "987654321");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task List_InvalidView_IsAUsageError()
    {
        var result = await CliRun.AgainstAsync(server, "experiments", "list", "--view", "sometimes");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "sometimes");
    }
}
