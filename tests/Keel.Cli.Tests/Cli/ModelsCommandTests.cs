using System.Text.Json;
using System.Text.RegularExpressions;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Client;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Registry;

namespace Keel.Cli.Tests.Cli;

public sealed class ModelsCommandTests(KeelServerFixture server)
{
    private const string User = "cli-user";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>Runs <c>keel args</c> against the test server as <see cref="User"/> (via KEEL_USER).</summary>
    private Task<CliResult> Keel(params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", server.BaseAddress.AbsoluteUri], new Dictionary<string, string> { ["KEEL_USER"] = User });

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await Keel(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        CliRun.AssertOnlyStoreLine(result);
        return result;
    }

    private async Task<(string Name, string RunId)> SeedAsync(int versions)
    {
        using var client = server.CreateClient();
        return await RegistrySeed.ModelAsync(client, versions, _ct);
    }

    private static string Row(CliResult result, string startsWith) =>
        Assert.Single(result.Lines, l => l.TrimStart().StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public async Task Help_ListsEverySubcommand()
    {
        var result = await Keel("models", "--help");

        foreach (var verb in new[] { "list", "show", "versions", "create", "register", "promote", "alias", "rollback", "history", "held-at", "approvals", "lineage", "delete" })
        {
            Assert.Contains(result.Lines, l => Regex.IsMatch(l, $@"^\s+{verb}\s"));
        }
    }

    [Fact]
    public async Task Create_WithDescriptionAndTags_ThenShow()
    {
        var name = KeelServerFixture.UniqueName("cli-create");

        var created = await OkAsync("models", "create", name, "--description", "Credit scoring", "--tag", "team=risk", "-t", "tier=1");
        var shown = await OkAsync("models", "show", name);

        Assert.Equal([$"Created registered model '{name}'."], created.Lines);
        Assert.Matches(@"^Description\s+Credit scoring$", Row(shown, "Description"));
        Assert.Contains("Tags", shown.Lines);
        Assert.Matches(@"^\s*team\s+risk$", Row(shown, "team"));
        Assert.Matches(@"^\s*tier\s+1$", Row(shown, "tier"));
    }

    [Fact]
    public async Task Create_WithSource_RegistersVersionOne_Json()
    {
        using var client = server.CreateClient();
        var runId = await RegistrySeed.RunAsync(client, _ct);
        var name = KeelServerFixture.UniqueName("cli-create-src");

        var result = await OkAsync("models", "create", name, "--source", $"runs:/{runId}/model", "--json");

        var root = result.Json();
        Assert.Equal(name, root.GetProperty("registered_model").GetProperty("name").GetString());
        var version = root.GetProperty("model_version");
        Assert.Equal(("1", runId, User), (version.GetProperty("version").GetString(), version.GetProperty("run_id").GetString(), version.GetProperty("user_id").GetString()));
    }

    [Fact]
    public async Task Create_TakenName_FailsWithOneLine()
    {
        var (name, _) = await SeedAsync(0);

        var result = await Keel("models", "create", name);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_ALREADY_EXISTS");
    }

    [Fact]
    public async Task Create_RunIdWithoutSource_IsAUsageError()
    {
        var result = await Keel("models", "create", KeelServerFixture.UniqueName("x"), "--run-id", new string('a', 32));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "--run-id needs --source");
    }

    [Fact]
    public async Task Register_CreatesTheModelWhenMissing_ThenAddsVersions()
    {
        using var client = server.CreateClient();
        var runId = await RegistrySeed.RunAsync(client, _ct);
        var name = KeelServerFixture.UniqueName("cli-register");

        var first = await OkAsync("models", "register", name, $"runs:/{runId}/model", "--description", "first cut", "--tag", "validated=no");
        var second = await OkAsync("models", "register", name, $"runs:/{runId}/model", "--json");

        Assert.Equal([$"Created registered model '{name}'.", $"Registered version 1 of '{name}' from runs:/{runId}/model."], first.Lines);
        Assert.Equal("2", second.Json().GetProperty("version").GetString());
        var v1 = await client.GetModelVersionAsync(name, "1", _ct);
        Assert.Equal(("first cut", runId), (v1.Description, v1.RunId));
        Assert.Equal([new ModelVersionTag("validated", "no")], v1.Tags);
    }

    [Fact]
    public async Task Register_UnsafeSource_FailsWithInvalidParameterValue()
    {
        var (name, _) = await SeedAsync(0);

        var result = await Keel("models", "register", name, "file:///etc/passwd");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task List_ShowsLatestVersionsPerStageAndAliases()
    {
        var (name, _) = await SeedAsync(3);
        await OkAsync("models", "promote", name, "1", "--stage", "production");
        await OkAsync("models", "promote", name, "2", "--stage", "staging");
        await OkAsync("models", "alias", name, "champion", "1");

        var result = await OkAsync("models", "list");

        Assert.Matches(@"^\s*Name\s+Latest versions\s+Aliases\s+Updated \(UTC\)$", result.Lines[0]);
        Assert.Matches(@"production: 1, staging: 2, development: 3\s+@champion → 1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", Row(result, name));
    }

    [Fact]
    public async Task List_Json_IsMlflowsRegisteredModelShape_AndMaxResultsStops()
    {
        await SeedAsync(1);
        await SeedAsync(1);

        var result = await OkAsync("models", "list", "--json", "--max-results", "1");

        var model = Assert.Single(result.Json().EnumerateArray());
        Assert.True(model.TryGetProperty("latest_versions", out _));
        Assert.True(model.TryGetProperty("creation_timestamp", out _));
    }

    [Fact]
    public async Task List_FilterAndMaxResults_AreSentToTheServer()
    {
        string? query = null;
        await using var stub = await StubServer.StartAsync((ctx, _) =>
        {
            query = ctx.Request.Path + ctx.Request.QueryString.Value;
            return StubServer.JsonAsync(ctx, 200, """{"registered_models":[{"name":"credit","creation_timestamp":1,"last_updated_timestamp":1,"latest_versions":[],"tags":[],"aliases":[]}]}""");
        });

        var result = await CliRun.RunAsync(["models", "list", "--filter", "name LIKE '%cred%'", "--max-results", "5", "--tracking-uri", stub.BaseAddress.AbsoluteUri]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("/api/2.0/mlflow/registered-models/search?", query, StringComparison.Ordinal);
        Assert.Contains("filter=name%20LIKE%20%27%25cred%25%27", query, StringComparison.Ordinal);
        Assert.Contains("max_results=5", query, StringComparison.Ordinal);
        Assert.Contains(result.Lines, l => l.TrimStart().StartsWith("credit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_Json_IsTheRegisteredModel()
    {
        var (name, _) = await SeedAsync(2);

        var result = await OkAsync("models", "show", name, "--json");

        Assert.Equal(name, result.Json().GetProperty("name").GetString());
        Assert.Equal("2", result.Json().GetProperty("latest_versions")[0].GetProperty("version").GetString());
    }

    [Fact]
    public async Task Show_ModelsUri_ShowsTheVersionItNames()
    {
        var (name, runId) = await SeedAsync(3);
        await OkAsync("models", "alias", name, "champion", "2");

        var result = await OkAsync("models", "show", $"models:/{name}@champion");
        var json = await OkAsync("models", "show", $"models:/{name}/latest", "--json");

        Assert.Matches(@"^Version\s+2$", Row(result, "Version"));
        Assert.Matches(@"^Stage\s+development$", Row(result, "Stage"));
        Assert.Matches(@"^Aliases\s+@champion$", Row(result, "Aliases"));
        Assert.Matches($@"^Run ID\s+{runId}$", Row(result, "Run ID"));
        Assert.Equal("3", json.Json().GetProperty("version").GetString());
    }

    [Fact]
    public async Task Show_UnknownModel_AndUnknownVersion_FailWithOneLine()
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "show", KeelServerFixture.UniqueName("none")), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        CliRun.AssertOneLineError(await Keel("models", "show", $"models:/{name}/9"), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Show_InvalidModelsUri_FailsWithInvalidParameterValue()
    {
        var result = await Keel("models", "show", "models:/credit");

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Versions_TableNewestFirst_WithKeelStageNames()
    {
        var (name, runId) = await SeedAsync(3);
        await OkAsync("models", "promote", name, "2", "--stage", "Production");
        await OkAsync("models", "alias", name, "champion", "2");

        var result = await OkAsync("models", "versions", name);

        Assert.Matches(@"^\s*Version\s+Stage\s+Aliases\s+Run\s+Source\s+Created \(UTC\)\s+User$", result.Lines[0]);
        var rows = result.Lines.Skip(2).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Matches($@"^\s*3\s+development\s+{runId}\s+runs:/{runId}/model\s+\S+ \S+\s+\S+$", rows[0]);
        Assert.Matches($@"^\s*2\s+production\s+@champion\s+{runId}\s", rows[1]);
        Assert.Matches(@"^\s*1\s+development\s", rows[2]);
    }

    [Fact]
    public async Task Versions_StageFilter_AndJson()
    {
        var (name, _) = await SeedAsync(3);
        await OkAsync("models", "promote", name, "1", "--stage", "staging");

        var result = await OkAsync("models", "versions", $"models:/{name}/latest", "--stage", "None", "--json");

        Assert.Equal(["3", "2"], result.Json().EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        Assert.All(result.Json().EnumerateArray(), v => Assert.Equal("None", v.GetProperty("current_stage").GetString()));
    }

    [Fact]
    public async Task Versions_UnknownModel_FailsWithResourceDoesNotExist()
    {
        var result = await Keel("models", "versions", KeelServerFixture.UniqueName("none"));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Promote_ArchiveExisting_SaysWhatMoved_AndRecordsTheReason()
    {
        var (name, _) = await SeedAsync(2);
        await OkAsync("models", "promote", name, "1", "--stage", "production");

        var result = await OkAsync("models", "promote", name, "2", "--stage", "production", "--archive-existing", "--reason", "better auc");

        Assert.Equal([$"'{name}' version 2: development → production.", "Archived version 1 (was production)."], result.Lines);
        using var client = server.CreateClient();
        var last = (await client.ListAllEventsAsync(new RegistryEventQuery(name), _ct).ToListAsync(_ct))[^1];
        Assert.Equal((User, "better auc", "Production"), (last.User, last.Comment, last.To));
    }

    [Fact]
    public async Task Promote_ModelsUri_Json()
    {
        var (name, _) = await SeedAsync(2);

        var result = await OkAsync("models", "promote", $"models:/{name}/latest", "--stage", "Staging", "--json");

        var root = result.Json();
        Assert.Equal(("2", "None", "Staging"), (root.GetProperty("model_version").GetProperty("version").GetString(), root.GetProperty("from_stage").GetString(), root.GetProperty("to_stage").GetString()));
        Assert.Empty(root.GetProperty("archived_versions").EnumerateArray());
    }

    [Theory]
    [InlineData("live", "Invalid stage 'live'")]
    [InlineData(null, "--stage")]
    public async Task Promote_BadOrMissingStage_IsAUsageError(string? stage, string message)
    {
        var (name, _) = await SeedAsync(1);

        var result = await Keel(stage is null ? ["models", "promote", name, "1"] : ["models", "promote", name, "1", "--stage", stage]);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, message);
    }

    [Fact]
    public async Task Promote_NoVersion_AndUriPlusVersion_AreUsageErrors()
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "promote", name, "--stage", "production"), ExitCodes.Failure, "Name a version");
        CliRun.AssertOneLineError(await Keel("models", "promote", $"models:/{name}/1", "1", "--stage", "production"), ExitCodes.Failure, "not both");
    }

    [Fact]
    public async Task Alias_SetMoveAndDelete_SayWhatChanged()
    {
        var (name, _) = await SeedAsync(2);

        var set = await OkAsync("models", "alias", name, "champion", "1", "--reason", "ship it");
        var moved = await OkAsync("models", "alias", $"models:/{name}/2", "champion");
        var deleted = await OkAsync("models", "alias", name, "champion", "--delete");
        var again = await OkAsync("models", "alias", name, "champion", "--delete");

        Assert.Equal([$"Alias @champion of '{name}' → version 1 (was unset)."], set.Lines);
        Assert.Equal([$"Alias @champion of '{name}' → version 2 (was version 1)."], moved.Lines);
        Assert.Equal([$"Removed alias @champion of '{name}' (was version 2)."], deleted.Lines);
        Assert.Equal([$"Alias @champion of '{name}' was not set; nothing removed."], again.Lines);
    }

    [Fact]
    public async Task Alias_Json()
    {
        var (name, _) = await SeedAsync(2);
        await OkAsync("models", "alias", name, "champion", "1");

        var result = await OkAsync("models", "alias", name, "champion", "2", "--json");

        var root = result.Json();
        Assert.Equal((name, "champion", "2", "1"), (root.GetProperty("name").GetString(), root.GetProperty("alias").GetString(), root.GetProperty("version").GetString(), root.GetProperty("previous_version").GetString()));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v2")]
    public async Task Alias_Reserved_FailsWithInvalidParameterValue(string alias)
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "alias", name, alias, "1"), ExitCodes.Failure, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Alias_NoVersionWithoutDelete_AndVersionWithDelete_AreUsageErrors()
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "alias", name, "champion"), ExitCodes.Failure, "Name a version");
        CliRun.AssertOneLineError(await Keel("models", "alias", name, "champion", "1", "--delete"), ExitCodes.Failure, "--delete takes");
    }

    [Fact]
    public async Task Rollback_Stage_PrintsFromAndTo()
    {
        var (name, _) = await SeedAsync(2);
        await OkAsync("models", "promote", name, "1", "--stage", "production");
        await OkAsync("models", "promote", name, "2", "--stage", "production", "--archive-existing");

        var result = await OkAsync("models", "rollback", name, "--stage", "production", "-m", "latency");

        Assert.Equal([$"Rolled back production of '{name}': version 2 → version 1.", "Archived version 2."], result.Lines);
    }

    [Fact]
    public async Task Rollback_AliasByUri_TwiceRemovesTheFirstAssignment_Json()
    {
        var (name, _) = await SeedAsync(2);
        await OkAsync("models", "alias", name, "champion", "1");
        await OkAsync("models", "alias", name, "champion", "2");

        var back = await OkAsync("models", "rollback", $"models:/{name}@champion");
        var removed = await OkAsync("models", "rollback", name, "--alias", "champion", "--json");

        Assert.Equal([$"Rolled back @champion of '{name}': version 2 → version 1."], back.Lines);
        var root = removed.Json();
        Assert.Equal(["1"], root.GetProperty("from_versions").EnumerateArray().Select(v => v.GetString()));
        Assert.False(root.TryGetProperty("to_version", out _));
        Assert.Equal("champion", root.GetProperty("alias").GetString());
    }

    [Fact]
    public async Task Rollback_NothingEarlier_FailsWithOneLine()
    {
        var (name, _) = await SeedAsync(1);
        await OkAsync("models", "promote", name, "1", "--stage", "production");

        CliRun.AssertOneLineError(await Keel("models", "rollback", $"models:/{name}/Production"), ExitCodes.Failure, "Nothing to roll back to");
    }

    [Fact]
    public async Task Rollback_NeitherOrBoth_OrAVersionUri_AreUsageErrors()
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "rollback", name), ExitCodes.Failure, "exactly one of --stage and --alias");
        CliRun.AssertOneLineError(await Keel("models", "rollback", name, "--stage", "production", "--alias", "champion"), ExitCodes.Failure, "exactly one of --stage and --alias");
        CliRun.AssertOneLineError(await Keel("models", "rollback", $"models:/{name}/1"), ExitCodes.Failure, "names a version");
        CliRun.AssertOneLineError(await Keel("models", "rollback", $"models:/{name}@champion", "--stage", "production"), ExitCodes.Failure, "leave out --stage and --alias");
    }

    [Fact]
    public async Task History_Table_ShowsWhoWhatWhenAndWhy()
    {
        var (name, _) = await SeedAsync(1);
        await OkAsync("models", "promote", name, "1", "--stage", "staging", "--reason", "validation passed");
        await OkAsync("models", "alias", name, "champion", "1");

        var result = await OkAsync("models", "history", name);

        Assert.Matches(@"^\s*Time \(UTC\)\s+User\s+Event\s+Version\s+From → To\s+Comment$", result.Lines[0]);
        Assert.Matches(@"\s+model created$", result.Lines[2]);
        Assert.Matches(@"version created\s+1\s+- → development$", result.Lines[3]);
        Assert.Matches($@"{User}\s+stage\s+1\s+development → staging\s+validation passed$", result.Lines[4]);
        Assert.Matches($@"{User}\s+alias @champion\s+1\s+- → 1$", result.Lines[5]);
    }

    [Fact]
    public async Task History_VersionAndTimeFilters_AndJson()
    {
        var (name, _) = await SeedAsync(2);
        await OkAsync("models", "promote", name, "2", "--stage", "staging");

        var forTwo = await OkAsync("models", "history", $"models:/{name}/2", "--json");
        var none = await OkAsync("models", "history", name, "--to", "2000-01-01T00:00:00Z");
        var fromEpoch = await OkAsync("models", "history", name, "--version", "1", "--from", "0", "--json");

        Assert.Equal(["version_created", "stage_transition"], forTwo.Json().EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([$"No events for '{name}'."], none.Lines);
        Assert.Equal(["version_created"], fromEpoch.Json().EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task History_BadTime_IsAUsageError()
    {
        var (name, _) = await SeedAsync(0);

        CliRun.AssertOneLineError(await Keel("models", "history", name, "--from", "yesterday"), ExitCodes.Failure, "Invalid time 'yesterday' for --from");
    }

    [Fact]
    public async Task HeldAt_RequiresAt_AndExactlyOneOfStageAndAlias()
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "held-at", name, "--stage", "production"), ExitCodes.Failure, "--at");
        CliRun.AssertOneLineError(await Keel("models", "held-at", name, "--at", "0"), ExitCodes.Failure, "exactly one of --stage and --alias");
    }

    [Fact]
    public async Task Lineage_PrintsDataRunAndVersion()
    {
        var (name, runId) = await SeedAsync(1);
        await OkAsync("models", "alias", name, "champion", "1");

        var result = await OkAsync("models", "lineage", $"models:/{name}@champion");

        var text = result.Lines;
        Assert.Equal("Data", text[0]);
        Assert.Matches(@"^\s*credit\s+abc123\s+training\s+credit\.csv$", Row(result, "credit "));
        Assert.True(Array.IndexOf(text, "Run") > Array.IndexOf(text, "Data"));
        Assert.True(Array.IndexOf(text, "Model version") > Array.IndexOf(text, "Run"));
        Assert.Matches($@"^Run ID\s+{runId}$", Row(result, "Run ID"));
        Assert.Matches(@"^Name\s+gbm-1$", Row(result, "Name "));
        Assert.Matches(@"^\s*auc\s+0\.91$", Row(result, "auc"));
        Assert.Matches(@"^\s*lr\s+0\.1$", Row(result, "lr "));
        Assert.Matches(@"^Aliases\s+@champion$", Row(result, "Aliases"));
    }

    [Fact]
    public async Task Lineage_Json_HasTheVersionAndItsLineage()
    {
        var (name, runId) = await SeedAsync(1);

        var result = await OkAsync("models", "lineage", name, "1", "--json");

        var root = result.Json();
        Assert.Equal("1", root.GetProperty("model_version").GetProperty("version").GetString());
        var lineage = root.GetProperty("lineage");
        Assert.Equal(runId, lineage.GetProperty("run_id").GetString());
        Assert.Equal("abc123", lineage.GetProperty("datasets")[0].GetProperty("digest").GetString());
        Assert.Equal(0.91, lineage.GetProperty("metrics").GetProperty("auc").GetDouble());
    }

    [Fact]
    public async Task Lineage_KeelPackage_ShowsTheSignatureAndKeelVersion()
    {
        using var client = server.CreateClient();
        var runId = await RegistrySeed.RunAsync(client, _ct);
        var folder = Directory.CreateTempSubdirectory("keel-pkg-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "keel-model.json"), """
                {"keel_version": "9.9.9", "signature": {"inputs": [{"name": "age", "type": "double"}, {"name": "income", "type": "float"}], "outputs": [{"name": "score", "type": "float"}]}}
                """, _ct);
            await client.UploadRunArtifactsAsync(runId, folder, "model", _ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var name = KeelServerFixture.UniqueName("cli-pkg");
        await OkAsync("models", "register", name, $"runs:/{runId}/model");

        var result = await OkAsync("models", "lineage", $"models:/{name}/1");

        Assert.Matches(@"^Signature\s+inputs: age \(double\), income \(float\) → outputs: score \(float\)$", Row(result, "Signature"));
        Assert.Matches(@"^Keel version\s+9\.9\.9$", Row(result, "Keel version"));
    }

    [Fact]
    public async Task Lineage_VersionWithoutRun_SaysNothingWasRecorded()
    {
        var (name, _) = await SeedAsync(0);
        using var client = server.CreateClient();
        await client.CreateModelVersionAsync(new CreateModelVersionCommand(name, "mlflow-artifacts:/elsewhere/model", null, null, null, null, null), client.ActorFor(), _ct);

        var result = await OkAsync("models", "lineage", name, "1");

        Assert.StartsWith("No lineage was recorded", result.Lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^Source\s+mlflow-artifacts:/elsewhere/model$", Row(result, "Source"));
    }

    [Fact]
    public async Task Lineage_MissingVersion_IsAUsageError()
    {
        var (name, _) = await SeedAsync(1);

        CliRun.AssertOneLineError(await Keel("models", "lineage", name), ExitCodes.Failure, "Name a version");
    }

    [Fact]
    public async Task Delete_Version_ThenModel()
    {
        var (name, _) = await SeedAsync(2);

        var version = await OkAsync("models", "delete", name, "2", "--reason", "broken");
        var uri = await OkAsync("models", "delete", $"models:/{name}/1", "--json");
        var model = await OkAsync("models", "delete", name);

        Assert.Equal([$"Deleted version 2 of '{name}'."], version.Lines);
        Assert.Equal(("1", true), (uri.Json().GetProperty("version").GetString(), uri.Json().GetProperty("deleted").GetBoolean()));
        Assert.Equal([$"Deleted registered model '{name}' and its versions."], model.Lines);
        CliRun.AssertOneLineError(await Keel("models", "show", name), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        var history = await OkAsync("models", "history", name, "--json");
        Assert.Contains(history.Json().EnumerateArray(), e => e.GetProperty("kind").GetString() == "version_deleted" && e.GetProperty("comment").GetString() == "broken");
        Assert.Equal("model_deleted", history.Json().EnumerateArray().Last().GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Delete_UnknownModel_FailsWithOneLine()
    {
        CliRun.AssertOneLineError(await Keel("models", "delete", KeelServerFixture.UniqueName("none")), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task UnreachableServer_ExitsWithUnreachable()
    {
        var result = await CliRun.RunAsync(["models", "list", "--tracking-uri", "http://127.0.0.1:1"]);

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.StartsWith("error: cannot reach the tracking server", CliRun.ErrorLinesButStore(result)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario_PromotePromoteRollback_HistoryAndHeldAtAgree()
    {
        var (name, _) = await SeedAsync(2);
        using var client = server.CreateClient();

        await OkAsync("models", "promote", name, "1", "--stage", "production", "--reason", "first release");
        var t1 = (await client.ListAllEventsAsync(new RegistryEventQuery(name), _ct).ToListAsync(_ct))[^1].Timestamp;
        await RegistrySeed.PassAsync(t1, _ct);
        await OkAsync("models", "promote", name, "2", "--stage", "production", "--archive-existing", "--reason", "better auc");
        var t2 = (await client.ListAllEventsAsync(new RegistryEventQuery(name), _ct).ToListAsync(_ct))[^1].Timestamp;
        await RegistrySeed.PassAsync(t2, _ct);
        var rollback = await OkAsync("models", "rollback", name, "--stage", "production", "--reason", "latency regression");
        var t3 = (await client.ListAllEventsAsync(new RegistryEventQuery(name), _ct).ToListAsync(_ct))[^1].Timestamp;

        var history = await OkAsync("models", "history", name);
        var at = (long t) => OkAsync("models", "held-at", name, "--stage", "production", "--at", t.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var iso = DateTimeOffset.FromUnixTimeMilliseconds(t2).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var heldAtT2Iso = await OkAsync("models", "held-at", $"models:/{name}/production", "--at", iso, "--json");

        Assert.Equal([$"Rolled back production of '{name}': version 2 → version 1.", "Archived version 2."], rollback.Lines);
        var stageRows = history.Lines.Where(l => l.Contains(" stage", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, stageRows.Count);
        Assert.Matches(@"stage\s+1\s+development → production\s+first release$", stageRows[0]);
        Assert.Matches(@"stage\s+1\s+production → archived\s+better auc$", stageRows[1]);
        Assert.Matches(@"stage\s+2\s+development → production\s+better auc$", stageRows[2]);
        Assert.Matches(@"stage \(rollback\)\s+2\s+production → archived\s+latency regression$", stageRows[3]);
        Assert.Matches(@"stage \(rollback\)\s+1\s+archived → production\s+latency regression$", stageRows[4]);
        Assert.Equal([$"At {Formats.Time(t1)} UTC, production of '{name}' was held by version 1."], (await at(t1)).Lines);
        Assert.Equal([$"At {Formats.Time(t2)} UTC, production of '{name}' was held by version 2."], (await at(t2)).Lines);
        Assert.Equal([$"At {Formats.Time(t3)} UTC, production of '{name}' was held by version 1."], (await at(t3)).Lines);
        Assert.Equal(["2"], heldAtT2Iso.Json().GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("Production", heldAtT2Iso.Json().GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Scenario_AliasHeldAt_AnswersForTheAlias()
    {
        var (name, _) = await SeedAsync(2);
        using var client = server.CreateClient();
        await OkAsync("models", "alias", name, "champion", "1");
        var t1 = (await client.ListAllEventsAsync(new RegistryEventQuery(name), _ct).ToListAsync(_ct))[^1].Timestamp;
        await RegistrySeed.PassAsync(t1, _ct);
        await OkAsync("models", "alias", name, "champion", "2");
        var before = (await client.ListAllEventsAsync(new RegistryEventQuery(name), _ct).ToListAsync(_ct))[0].Timestamp - 1;

        var atT1 = await OkAsync("models", "held-at", name, "--alias", "champion", "--at", t1.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var atStart = await OkAsync("models", "held-at", $"models:/{name}@champion", "--at", before.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal([$"At {Formats.Time(t1)} UTC, @champion of '{name}' pointed at version 1."], atT1.Lines);
        Assert.EndsWith("pointed at nothing.", Assert.Single(atStart.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonResults_UseSnakeCase()
    {
        var json = JsonSerializer.Serialize(new global::Keel.Cli.Models.AliasResult("m", "champion", "2", null), global::Keel.Core.Json.KeelJson.Options);

        Assert.Equal("""{"name":"m","alias":"champion","version":"2"}""", json);
    }

    [Fact]
    public async Task Promote_VersionThatFailedItsGates_NeedsForceAndAReason()
    {
        var (name, _) = await SeedAsync(1);
        using (var client = server.CreateClient())
        {
            await client.SetModelVersionTagAsync(name, "1", new ModelVersionTag("keel.validation.status", "failed: 1 of 2 checks"), new Actor(User), _ct);
        }

        var refused = await Keel("models", "promote", name, "1", "--stage", "production");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("failed its validation gates", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--force --reason", refused.Error, StringComparison.Ordinal);

        var noReason = await Keel("models", "alias", name, "champion", "1", "--force");
        Assert.NotEqual(0, noReason.ExitCode);

        await OkAsync("models", "promote", name, "1", "--stage", "production", "--force", "--reason", "approved by the risk team");
        var history = await OkAsync("models", "history", name, "--json");
        Assert.Contains("approved by the risk team", history.Out, StringComparison.Ordinal);
        Assert.Contains("forced past failed gates", history.Out, StringComparison.Ordinal);
    }
}
