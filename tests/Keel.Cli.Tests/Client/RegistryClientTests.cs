using Keel.Cli.Tests.Infrastructure;
using Keel.Client;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Client;

/// <summary>Seeds registry data through the client: a run with data, params and metrics, and models with versions from it.</summary>
internal static class RegistrySeed
{
    /// <summary>A finished run (auc 0.91, lr 0.1) that used the dataset credit (digest abc123, training).</summary>
    public static async Task<string> RunAsync(KeelClient client, CancellationToken ct)
    {
        var experimentId = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("reg-exp"), cancellationToken: ct);
        var run = await client.CreateRunAsync(experimentId, "gbm-1", cancellationToken: ct);
        var runId = run.Info.RunId;
        await client.LogBatchAsync(runId, [new Metric("auc", 0.91, 1_700_000_000_000, 0)], [new Param("lr", "0.1")], [], ct);
        await client.LogInputsAsync(runId, [new DatasetInput([new InputTag("mlflow.data.context", "training")], new Dataset("credit", "abc123", "local", "credit.csv"))], ct);
        return runId;
    }

    /// <summary>A new model with <paramref name="versions"/> versions registered from one run; returns its name and the run.</summary>
    public static async Task<(string Name, string RunId)> ModelAsync(KeelClient client, int versions, CancellationToken ct, string prefix = "credit")
    {
        var runId = await RunAsync(client, ct);
        var name = KeelServerFixture.UniqueName(prefix);
        await client.CreateRegisteredModelAsync(name, null, null, client.ActorFor(), ct);
        for (var i = 0; i < versions; i++)
        {
            await client.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"runs:/{runId}/model", runId, null, null, null, null), client.ActorFor(), ct);
        }

        return (name, runId);
    }

    /// <summary>
    /// Waits (polling, at most 5 s) until the clock has passed <paramref name="timestamp"/>, so the
    /// next change gets a later audit timestamp than the last one.
    /// </summary>
    public static async Task PassAsync(long timestamp, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() <= timestamp && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
        }
    }
}

public sealed class RegistryClientTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static Actor Alice(string? comment = null) => new("alice", comment);

    private async Task<List<RegistryEvent>> EventsAsync(KeelClient client, string name, string? version = null) =>
        await client.ListAllEventsAsync(new RegistryEventQuery(name, version), _ct).ToListAsync(_ct);

    [Fact]
    public void KeelClient_IsARegistryStore_AndDefaultsToTheOsUser()
    {
        using var client = server.CreateClient();

        Assert.IsAssignableFrom<IRegistryStore>(client);
        Assert.Equal(string.IsNullOrWhiteSpace(Environment.UserName) ? "anonymous" : Environment.UserName, client.Options.User);
        Assert.Throws<ArgumentException>(() => new KeelClientOptions { User = " " }.Validate());
    }

    [Fact]
    public async Task CreateRegisteredModel_ThenGet_ReturnsDescriptionAndTags()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("m");

        var created = await client.CreateRegisteredModelAsync(name, [new RegisteredModelTag("team", "risk")], "Credit scoring", Alice(), _ct);
        var fetched = await client.GetRegisteredModelAsync(name, _ct);

        Assert.Equal(name, created.Name);
        Assert.Equal("Credit scoring", fetched.Description);
        Assert.Equal([new RegisteredModelTag("team", "risk")], fetched.Tags);
        Assert.Empty(fetched.LatestVersions);
        Assert.True(fetched.CreationTimestamp > 0);
    }

    [Fact]
    public async Task CreateRegisteredModel_TakenName_ThrowsResourceAlreadyExists()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("dup");
        await client.CreateRegisteredModelAsync(name, null, null, Alice(), _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateRegisteredModelAsync(name, null, null, Alice(), _ct));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, e.Code);
    }

    [Fact]
    public async Task CreateRegisteredModel_NameWithSlash_ThrowsInvalidParameterValue()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateRegisteredModelAsync("a/b", null, null, Alice(), _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task GetRegisteredModel_Unknown_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRegisteredModelAsync(KeelServerFixture.UniqueName("none"), _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task RenameRegisteredModel_CarriesVersionsAndHistory()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);
        var newName = name + "-renamed";

        var renamed = await client.RenameRegisteredModelAsync(name, newName, Alice(), _ct);

        Assert.Equal(newName, renamed.Name);
        Assert.Equal("1", (await client.GetModelVersionAsync(newName, "1", _ct)).Version);
        var events = await EventsAsync(client, newName);
        Assert.Equal(RegistryEventKinds.ModelCreated, events[0].Kind);
        Assert.Equal((name, newName), (events[^1].From, events[^1].To));
        await Assert.ThrowsAsync<KeelException>(() => client.GetRegisteredModelAsync(name, _ct));
    }

    [Fact]
    public async Task UpdateRegisteredModel_SetsTheDescription_UsingPatch()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("upd");
        await client.CreateRegisteredModelAsync(name, null, "old", Alice(), _ct);

        var updated = await client.UpdateRegisteredModelAsync(name, "new", Alice(), _ct);

        Assert.Equal("new", updated.Description);
        var e = Assert.Single(await EventsAsync(client, name), e => e.Kind == RegistryEventKinds.ModelUpdated);
        Assert.Equal(("old", "new"), (e.From, e.To));
    }

    [Fact]
    public async Task DeleteRegisteredModel_RemovesIt_AndKeepsTheReasonInTheTrail()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        await client.DeleteRegisteredModelAsync(name, Alice("retired: replaced by v2 pipeline"), _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetRegisteredModelAsync(name, _ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
        var deleted = (await EventsAsync(client, name))[^1];
        Assert.Equal((RegistryEventKinds.ModelDeleted, "alice", "retired: replaced by v2 pipeline"), (deleted.Kind, deleted.User, deleted.Comment));
    }

    [Fact]
    public async Task DeleteRegisteredModel_Unknown_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.DeleteRegisteredModelAsync(KeelServerFixture.UniqueName("none"), Alice(), _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task SearchRegisteredModels_PagesThroughEveryModel()
    {
        using var client = server.CreateClient();
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // Names sort before every other test's, so models other tests delete meanwhile cannot shift these across pages.
            names.Add((await client.CreateRegisteredModelAsync(KeelServerFixture.UniqueName("0page"), null, null, Alice(), _ct)).Name);
        }

        var first = await client.SearchRegisteredModelsAsync(null, 1, null, null, _ct);
        var all = await client.SearchAllRegisteredModelsAsync(pageSize: 2, cancellationToken: _ct).Select(m => m.Name).ToListAsync(_ct);

        Assert.Single(first.Items);
        Assert.NotNull(first.NextPageToken);
        Assert.Superset(names.ToHashSet(), all.ToHashSet());
    }

    [Fact]
    public async Task GetLatestVersions_GivesTheHighestPerStage_InEitherSpelling()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 3, _ct);
        await client.TransitionStageAsync(name, "1", "production", false, Alice(), _ct);

        var all = await client.GetLatestVersionsAsync(name, null, _ct);
        var production = await client.GetLatestVersionsAsync(name, ["production"], _ct);

        Assert.Equal([("1", "Production"), ("3", "None")], all.Select(v => (v.Version, v.CurrentStage)));
        Assert.Equal("1", Assert.Single(production).Version);
    }

    [Fact]
    public async Task RegisteredModelTags_SetOverwriteAndDelete()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("tags");
        await client.CreateRegisteredModelAsync(name, null, null, Alice(), _ct);

        await client.SetRegisteredModelTagAsync(name, new RegisteredModelTag("team", "risk"), Alice(), _ct);
        await client.SetRegisteredModelTagAsync(name, new RegisteredModelTag("team", "fraud"), Alice(), _ct);
        Assert.Equal("fraud", Assert.Single((await client.GetRegisteredModelAsync(name, _ct)).Tags).Value);
        await client.DeleteRegisteredModelTagAsync(name, "team", Alice(), _ct);

        Assert.Empty((await client.GetRegisteredModelAsync(name, _ct)).Tags);
        var e = await Assert.ThrowsAsync<KeelException>(() => client.DeleteRegisteredModelTagAsync(name, "team", Alice(), _ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task Aliases_SetGetMoveAndDelete()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 2, _ct);

        await client.SetAliasAsync(name, "champion", "1", Alice("first"), _ct);
        Assert.Equal("1", (await client.GetModelVersionByAliasAsync(name, "champion", _ct)).Version);
        await client.SetAliasAsync(name, "champion", "2", Alice(), _ct);
        var moved = await client.GetModelVersionByAliasAsync(name, "champion", _ct);
        await client.DeleteAliasAsync(name, "champion", Alice("done"), _ct);

        Assert.Equal(["champion"], moved.Aliases);
        Assert.Equal("2", moved.Version);
        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetModelVersionByAliasAsync(name, "champion", _ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        var trail = (await EventsAsync(client, name)).Where(x => x.Target == "champion").Select(x => (x.Kind, x.From, x.To, x.Comment));
        Assert.Equal([(RegistryEventKinds.AliasSet, (string?)null, (string?)"1", (string?)"first"), (RegistryEventKinds.AliasSet, "1", "2", null), (RegistryEventKinds.AliasDeleted, "2", null, "done")], trail);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("bad alias")]
    public async Task SetAlias_ReservedOrInvalid_ThrowsInvalidParameterValue(string alias)
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.SetAliasAsync(name, alias, "1", Alice(), _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task CreateModelVersion_FromARun_NumbersVersionsAndRecordsLineage()
    {
        using var client = server.CreateClient();
        var (name, runId) = await RegistrySeed.ModelAsync(client, 2, _ct);

        var third = await client.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"runs:/{runId}/model", runId, [new ModelVersionTag("k", "v")], null, "third", null), Alice(), _ct);
        var lineage = await client.GetLineageAsync(name, "3", _ct);
        var withVersion = await client.GetVersionLineageAsync(name, "3", _ct);

        Assert.Equal(("3", "None", "alice", runId, "third"), (third.Version, third.CurrentStage, third.UserId, third.RunId, third.Description));
        Assert.Equal([new ModelVersionTag("k", "v")], third.Tags);
        Assert.NotNull(lineage);
        Assert.Equal((runId, "gbm-1"), (lineage.RunId, lineage.RunName));
        Assert.Equal(new LineageDataset("credit", "abc123", "training", "credit.csv"), Assert.Single(lineage.Datasets));
        Assert.Equal(0.91, lineage.Metrics["auc"]);
        Assert.Equal("0.1", lineage.Params["lr"]);
        Assert.Equal("3", withVersion.ModelVersion.Version);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://evil.example/model")]
    [InlineData("https://evil.example/../../etc")]
    [InlineData("runs:/0123456789abcdef0123456789abcdef/../../../etc")]
    [InlineData("/tmp/elsewhere/model")]
    public async Task CreateModelVersion_UnsafeSourceOrLocalPathOutsideTheStore_ThrowsInvalidParameterValue(string source)
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 0, _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateModelVersionAsync(new CreateModelVersionCommand(name, source, null, null, null, null, null), Alice(), _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task GetModelVersion_UnknownVersionOrModel_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var version = await Assert.ThrowsAsync<KeelException>(() => client.GetModelVersionAsync(name, "9", _ct));
        var model = await Assert.ThrowsAsync<KeelException>(() => client.GetModelVersionAsync(KeelServerFixture.UniqueName("none"), "1", _ct));
        var bad = await Assert.ThrowsAsync<KeelException>(() => client.GetModelVersionAsync(name, "one", _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, version.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, model.Code);
        Assert.Equal(ErrorCode.InvalidParameterValue, bad.Code);
    }

    [Fact]
    public async Task UpdateModelVersion_SetsTheDescription()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var updated = await client.UpdateModelVersionAsync(name, "1", "calibrated", Alice(), _ct);

        Assert.Equal("calibrated", updated.Description);
        Assert.Equal("calibrated", (await client.GetModelVersionAsync(name, "1", _ct)).Description);
    }

    [Fact]
    public async Task DeleteModelVersion_HidesIt_RemovesItsAliases_AndNeverReusesItsNumber()
    {
        using var client = server.CreateClient();
        var (name, runId) = await RegistrySeed.ModelAsync(client, 2, _ct);
        await client.SetAliasAsync(name, "champion", "2", Alice(), _ct);

        await client.DeleteModelVersionAsync(name, "2", Alice("broken"), _ct);
        var next = await client.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"runs:/{runId}/model", runId, null, null, null, null), Alice(), _ct);

        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => client.GetModelVersionAsync(name, "2", _ct))).Code);
        Assert.Empty((await client.GetRegisteredModelAsync(name, _ct)).Aliases);
        Assert.Equal("3", next.Version);
        Assert.Contains(await EventsAsync(client, name, "2"), e => e.Kind == RegistryEventKinds.VersionDeleted && e.Comment == "broken");
    }

    [Fact]
    public async Task SearchModelVersions_PagesAndListModelVersionsKeepsOneModel()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 3, _ct);
        await RegistrySeed.ModelAsync(client, 1, _ct);

        var page = await client.SearchModelVersionsAsync(null, 1, null, null, _ct);
        var versions = await client.ListModelVersionsAsync(name, _ct);

        Assert.Single(page.Items);
        Assert.NotNull(page.NextPageToken);
        Assert.Equal(["1", "2", "3"], versions.Select(v => v.Version));
        Assert.All(versions, v => Assert.Equal(name, v.Name));
    }

    [Fact]
    public void NameFilter_QuotesQuotesAndBackslashes()
    {
        Assert.Equal("name = 'credit'", KeelClient.NameFilter("credit"));
        Assert.Equal(@"name = 'it''s a \\ model'", KeelClient.NameFilter(@"it's a \ model"));
    }

    [Fact]
    public async Task TransitionStage_ArchiveExisting_ArchivesTheOtherProductionVersion()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 2, _ct);
        await client.TransitionStageAsync(name, "1", "Production", false, Alice(), _ct);

        var moved = await client.TransitionStageAsync(name, "2", "production", true, Alice("better auc"), _ct);

        Assert.Equal("Production", moved.CurrentStage);
        Assert.Equal("Archived", (await client.GetModelVersionAsync(name, "1", _ct)).CurrentStage);
        var e = (await EventsAsync(client, name, "2"))[^1];
        Assert.Equal((RegistryEventKinds.StageTransition, "None", "Production", "better auc", "alice"), (e.Kind, e.From, e.To, e.Comment, e.User));
    }

    [Fact]
    public async Task TransitionStage_UnknownStage_ThrowsInvalidParameterValue()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.TransitionStageAsync(name, "1", "live", false, Alice(), _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task ModelVersionTags_SetAndDelete()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        await client.SetModelVersionTagAsync(name, "1", new ModelVersionTag("validated", "yes"), Alice(), _ct);
        Assert.Equal([new ModelVersionTag("validated", "yes")], (await client.GetModelVersionAsync(name, "1", _ct)).Tags);
        await client.DeleteModelVersionTagAsync(name, "1", "validated", Alice(), _ct);

        Assert.Empty((await client.GetModelVersionAsync(name, "1", _ct)).Tags);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => client.DeleteModelVersionTagAsync(name, "1", "validated", Alice(), _ct))).Code);
    }

    [Fact]
    public async Task GetModelVersionDownloadUri_ResolvesTheRunsSource()
    {
        using var client = server.CreateClient();
        var (name, runId) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var uri = await client.GetModelVersionDownloadUriAsync(name, "1", _ct);

        Assert.EndsWith("/model", uri, StringComparison.Ordinal);
        Assert.Contains(runId, uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListEvents_FiltersByVersionAndTime_AndPages()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 2, _ct);
        await client.TransitionStageAsync(name, "2", "staging", false, Alice(), _ct);

        var all = await EventsAsync(client, name);
        var page = await client.ListEventsAsync(new RegistryEventQuery(name, MaxResults: 2), _ct);
        var second = await client.ListEventsAsync(new RegistryEventQuery(name, MaxResults: 2, PageToken: page.NextPageToken), _ct);
        var forTwo = await EventsAsync(client, name, "2");
        var fromLast = await client.ListAllEventsAsync(new RegistryEventQuery(name, From: all[^1].Timestamp), _ct).ToListAsync(_ct);
        var beforeAll = await client.ListAllEventsAsync(new RegistryEventQuery(name, To: all[0].Timestamp - 1), _ct).ToListAsync(_ct);

        Assert.Equal([RegistryEventKinds.ModelCreated, RegistryEventKinds.VersionCreated, RegistryEventKinds.VersionCreated, RegistryEventKinds.StageTransition], all.Select(e => e.Kind));
        Assert.Equal(all.Take(4).Select(e => e.EventId), page.Items.Concat(second.Items).Select(e => e.EventId));
        Assert.Equal([RegistryEventKinds.VersionCreated, RegistryEventKinds.StageTransition], forTwo.Select(e => e.Kind));
        Assert.Contains(fromLast, e => e.EventId == all[^1].EventId);
        Assert.Empty(beforeAll);
    }

    [Fact]
    public async Task HeldAt_AnswersFromTheAuditTrail_ForStagesAndAliases()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 2, _ct);
        await client.TransitionStageAsync(name, "1", "production", false, Alice(), _ct);
        await client.SetAliasAsync(name, "champion", "1", Alice(), _ct);
        var t1 = (await EventsAsync(client, name))[^1].Timestamp;
        await RegistrySeed.PassAsync(t1, _ct);
        await client.TransitionStageAsync(name, "2", "production", true, Alice(), _ct);
        await client.SetAliasAsync(name, "champion", "2", Alice(), _ct);
        var t2 = (await EventsAsync(client, name))[^1].Timestamp;
        var t0 = (await EventsAsync(client, name))[0].Timestamp - 1;

        Assert.Equal(["1"], await client.VersionsInStageAtAsync(name, "production", t1, _ct));
        Assert.Equal(["2"], await client.VersionsInStageAtAsync(name, "Production", t2, _ct));
        Assert.Empty(await client.VersionsInStageAtAsync(name, "production", t0, _ct));
        Assert.Equal("1", await client.AliasTargetAtAsync(name, "champion", t1, _ct));
        Assert.Equal("2", await client.AliasTargetAtAsync(name, "champion", t2, _ct));
        Assert.Null(await client.AliasTargetAtAsync(name, "champion", t0, _ct));
        var held = await client.HeldAtAsync(name, "production", null, t2, _ct);
        Assert.Equal((name, "Production", (string?)null, t2), (held.Name, held.Stage, held.Alias, held.Timestamp));
    }

    [Fact]
    public async Task HeldAt_BothStageAndAlias_ThrowsInvalidParameterValue()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.HeldAtAsync(name, "production", "champion", 1, _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task RollbackStage_TwiceGoesTwoStepsBack_ThenHasNothingLeft()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 3, _ct);
        foreach (var v in new[] { "1", "2", "3" })
        {
            await client.TransitionStageAsync(name, v, "production", true, Alice(), _ct);
        }

        var first = await client.RollbackStageAsync(name, "production", Alice("latency"), _ct);
        var second = await client.RollbackStageAsync(name, "Production", Alice(), _ct);
        var e = await Assert.ThrowsAsync<KeelException>(() => client.RollbackStageAsync(name, "production", Alice(), _ct));

        Assert.Equal(("2", "Production"), (first.Version, first.CurrentStage));
        Assert.Equal("1", second.Version);
        Assert.Equal("Archived", (await client.GetModelVersionAsync(name, "3", _ct)).CurrentStage);
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(await EventsAsync(client, name), x => x.Rollback && x.Comment == "latency" && x.Version == "2" && x.To == "Production");
    }

    [Fact]
    public async Task RollbackAlias_ReturnsThePreviousTarget_ThenNullWhenTheFirstAssignmentIsUndone()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 2, _ct);
        await client.SetAliasAsync(name, "champion", "1", Alice(), _ct);
        await client.SetAliasAsync(name, "champion", "2", Alice(), _ct);

        var back = await client.RollbackAliasAsync(name, "champion", Alice(), _ct);
        var removed = await client.RollbackAliasAsync(name, "champion", Alice(), _ct);

        Assert.Equal("1", back?.Version);
        Assert.Null(removed);
        Assert.Empty((await client.GetRegisteredModelAsync(name, _ct)).Aliases);
    }

    [Fact]
    public async Task RollbackStage_Development_ThrowsInvalidParameterValue()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.RollbackStageAsync(name, "development", Alice(), _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task Resolve_EveryKindOfModelsUri()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 3, _ct);
        await client.TransitionStageAsync(name, "1", "production", false, Alice(), _ct);
        await client.SetAliasAsync(name, "champion", "2", Alice(), _ct);

        Assert.Equal("3", (await client.ResolveAsync($"models:/{name}/3", _ct)).Version);
        Assert.Equal("2", (await client.ResolveAsync($"models:/{name}@champion", _ct)).Version);
        Assert.Equal("1", (await client.ResolveAsync($"models:/{name}/Production", _ct)).Version);
        Assert.Equal("1", (await client.ResolveAsync($"models:/{name}/production", _ct)).Version);
        Assert.Equal("3", (await client.ResolveAsync($"models:/{name}/latest", _ct)).Version);
        Assert.Equal("2", (await ((IRegistryStore)client).ResolveAsync($"models:/{name}@champion", _ct)).Version);
    }

    [Theory]
    [InlineData("models:/x")]
    [InlineData("runs:/abc/model")]
    [InlineData("models:/x@latest")]
    public async Task Resolve_InvalidUri_ThrowsInvalidParameterValue(string uri)
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.ResolveAsync(uri, _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task Resolve_StageNobodyHolds_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.ResolveAsync($"models:/{name}/Staging", _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task Actor_OptionsUserAndHeaderComment_ReachTheAuditTrail()
    {
        using var client = new KeelClient(server.BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0, User = "carol" });
        var name = KeelServerFixture.UniqueName("actor");

        await client.CreateRegisteredModelAsync(name, null, null, client.ActorFor("ticket ML-42"), _ct);
        await client.SetRegisteredModelTagAsync(name, new RegisteredModelTag("team", "risk"), new Actor("dave"), _ct);
        await client.UpdateRegisteredModelAsync(name, "x", new Actor(" "), _ct);

        var events = await EventsAsync(client, name);
        Assert.Equal([("carol", "ticket ML-42"), ("dave", null), ("carol", null)], events.Select(e => (e.User, e.Comment)));
    }

    [Fact]
    public async Task Actor_NonAsciiComment_TravelsInTheBody_WhereTheRequestHasOne()
    {
        using var client = server.CreateClient();
        var (name, _) = await RegistrySeed.ModelAsync(client, 1, _ct);
        const string Reason = "naïve Bayes beat it — line one\nline two";

        await client.TransitionStageAsync(name, "1", "staging", false, new Actor("zoë", Reason), _ct);

        var e = (await EventsAsync(client, name))[^1];
        Assert.Equal(Reason, e.Comment);
        Assert.Equal("zo?", e.User);
    }

    [Fact]
    public async Task Actor_NonAsciiComment_OnAHeaderOnlyRequest_IsRefusedBeforeSending()
    {
        using var client = server.CreateClient();

        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateRegisteredModelAsync(KeelServerFixture.UniqueName("hdr"), null, null, new Actor("alice", "naïve"), _ct));
    }
}
