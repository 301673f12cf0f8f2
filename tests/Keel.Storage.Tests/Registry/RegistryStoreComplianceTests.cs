using Keel.Core.Errors;
using Keel.Core.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Registry;

/// <summary>Every behaviour an <see cref="IRegistryStore"/> must have, whatever the backend.</summary>
public abstract class RegistryStoreComplianceTests : IAsyncLifetime
{
    private static readonly Actor Alice = new("alice", "first release");
    private static readonly Actor Bob = new("bob");

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected IRegistryStore Store { get; private set; } = null!;

    /// <summary>
    /// Why this backend cannot store a caller-supplied lineage, or null when it can. Over HTTP the
    /// server derives a version's lineage from its run and package and ignores one sent by the caller,
    /// so that no client can forge provenance.
    /// </summary>
    protected virtual string? CallerLineageSkipReason => null;

    /// <summary>A new, empty store using <see cref="Clock"/>.</summary>
    protected abstract Task<IRegistryStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    private async Task<string> ModelWithVersionsAsync(int versions, string? name = null)
    {
        name ??= "model-" + Guid.NewGuid().ToString("N")[..8];
        await Store.CreateRegisteredModelAsync(name, null, null, Alice);
        for (var i = 0; i < versions; i++)
        {
            await Store.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"mlflow-artifacts:/m/{i}", null, null, null, null, null), Alice);
        }

        return name;
    }

    private static async Task<KeelException> Fails(ErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    /// <summary>Returns "now", then moves the clock on, so what happens next is strictly later.</summary>
    private long Tick(int minutes = 1)
    {
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Clock.Advance(TimeSpan.FromMinutes(minutes));
        return now;
    }

    [Fact]
    public async Task CreateModel_ThenGet_HasTagsAndDescription()
    {
        var model = await Store.CreateRegisteredModelAsync("credit-risk", [new RegisteredModelTag("team", "risk")], "scores loans", Alice);
        Assert.Equal("credit-risk", model.Name);
        Assert.Equal("scores loans", model.Description);
        Assert.Equal([new RegisteredModelTag("team", "risk")], model.Tags);
        Assert.Empty(model.LatestVersions);
        await Fails(ErrorCode.ResourceAlreadyExists, () => Store.CreateRegisteredModelAsync("credit-risk", null, null, Alice));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetRegisteredModelAsync("nobody"));
    }

    [Fact]
    public async Task Versions_AreNumberedFromOne_AndNeverReused()
    {
        var name = await ModelWithVersionsAsync(3);
        await Store.DeleteModelVersionAsync(name, "3", Bob);
        var next = await Store.CreateModelVersionAsync(new CreateModelVersionCommand(name, "mlflow-artifacts:/x", null, null, null, null, null), Alice);
        Assert.Equal("4", next.Version);
        Assert.Equal("alice", next.UserId);
        Assert.Equal("None", next.CurrentStage);
        Assert.Equal("READY", next.Status);
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetModelVersionAsync(name, "3"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.CreateModelVersionAsync(new CreateModelVersionCommand("missing", "mlflow-artifacts:/x", null, null, null, null, null), Alice));
    }

    [Fact]
    public async Task ConcurrentCreates_GiveUniqueGapFreeNumbers()
    {
        var name = await ModelWithVersionsAsync(0);
        var created = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Store.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"mlflow-artifacts:/c/{i}", null, null, null, null, null), Alice)));
        var numbers = created.Select(v => int.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 100), numbers);
    }

    [Fact]
    public async Task TransitionStage_ArchivesExistingWhenAsked_AndLatestVersionsFollow()
    {
        var name = await ModelWithVersionsAsync(3);
        await Store.TransitionStageAsync(name, "1", "Production", false, Alice);
        await Store.TransitionStageAsync(name, "2", "production", true, Alice);
        Assert.Equal("Archived", (await Store.GetModelVersionAsync(name, "1")).CurrentStage);
        Assert.Equal("Production", (await Store.GetModelVersionAsync(name, "2")).CurrentStage);
        var latest = await Store.GetLatestVersionsAsync(name, null);
        Assert.Equal(["1", "2", "3"], latest.Select(v => v.Version));
        Assert.Equal(["2"], (await Store.GetLatestVersionsAsync(name, ["Production"])).Select(v => v.Version));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TransitionStageAsync(name, "3", "Live", false, Alice));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.TransitionStageAsync(name, "9", "Staging", false, Alice));
    }

    [Fact]
    public async Task Aliases_SetMoveDeleteAndResolve()
    {
        var name = await ModelWithVersionsAsync(2);
        await Store.SetAliasAsync(name, "champion", "1", Alice);
        Assert.Equal("1", (await Store.GetModelVersionByAliasAsync(name, "champion")).Version);
        await Store.SetAliasAsync(name, "champion", "2", Bob);
        var v2 = await Store.GetModelVersionByAliasAsync(name, "champion");
        Assert.Equal("2", v2.Version);
        Assert.Equal(["champion"], v2.Aliases);
        Assert.Equal([new RegisteredModelAlias("champion", "2")], (await Store.GetRegisteredModelAsync(name)).Aliases);
        await Store.DeleteAliasAsync(name, "champion", Bob);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.GetModelVersionByAliasAsync(name, "champion"));
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.SetAliasAsync(name, "champion", "7", Bob));
    }

    [Fact]
    public async Task DeletingAVersion_RemovesItsAliases()
    {
        var name = await ModelWithVersionsAsync(2);
        await Store.SetAliasAsync(name, "champion", "2", Alice);
        await Store.DeleteModelVersionAsync(name, "2", Bob);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.GetModelVersionByAliasAsync(name, "champion"));
    }

    [Fact]
    public async Task RenameModel_KeepsVersionsAliasesAndHistory()
    {
        var name = await ModelWithVersionsAsync(2);
        await Store.SetAliasAsync(name, "champion", "2", Alice);
        await Store.RenameRegisteredModelAsync(name, name + "-v2", Bob);
        Assert.Equal("2", (await Store.GetModelVersionByAliasAsync(name + "-v2", "champion")).Version);
        var events = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name + "-v2"))).Items;
        Assert.Contains(events, e => e.Kind == RegistryEventKinds.VersionCreated);
        Assert.Contains(events, e => e.Kind == RegistryEventKinds.ModelRenamed && e.From == name);
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetRegisteredModelAsync(name));
    }

    [Fact]
    public async Task Tags_OnModelsAndVersions_AreAudited()
    {
        var name = await ModelWithVersionsAsync(1);
        await Store.SetRegisteredModelTagAsync(name, new RegisteredModelTag("owner", "alice"), Alice);
        await Store.SetRegisteredModelTagAsync(name, new RegisteredModelTag("owner", "bob"), Bob);
        await Store.SetModelVersionTagAsync(name, "1", new ModelVersionTag("validated", "true"), Alice);
        await Store.DeleteModelVersionTagAsync(name, "1", "validated", Bob);
        await Store.DeleteRegisteredModelTagAsync(name, "owner", Bob);
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.DeleteRegisteredModelTagAsync(name, "owner", Bob));
        var events = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name))).Items;
        var ownerChange = events.Single(e => e.Kind == RegistryEventKinds.ModelTagSet && e.To == "bob");
        Assert.Equal("alice", ownerChange.From);
        Assert.Equal("bob", ownerChange.User);
        Assert.Contains(events, e => e.Kind == RegistryEventKinds.VersionTagDeleted && e.Version == "1" && e.From == "true");
    }

    [Fact]
    public async Task EveryChange_IsAnEventWithWhoWhenFromToAndWhy()
    {
        var name = await ModelWithVersionsAsync(1);
        var before = Tick();
        await Store.TransitionStageAsync(name, "1", "Staging", false, new Actor("carol", "passed gates"));
        var events = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name))).Items;
        Assert.Equal([RegistryEventKinds.ModelCreated, RegistryEventKinds.VersionCreated, RegistryEventKinds.StageTransition], events.Select(e => e.Kind));
        var transition = events[^1];
        Assert.Equal("carol", transition.User);
        Assert.Equal("passed gates", transition.Comment);
        Assert.Equal("None", transition.From);
        Assert.Equal("Staging", transition.To);
        Assert.Equal("1", transition.Version);
        Assert.Equal(before + 60_000, transition.Timestamp);
    }

    [Fact]
    public async Task Events_FilterByVersionAndTimeRange_AndPage()
    {
        var name = await ModelWithVersionsAsync(2);
        var start = Tick();
        await Store.TransitionStageAsync(name, "2", "Staging", false, Alice);
        var end = Tick();
        await Store.TransitionStageAsync(name, "2", "Production", false, Alice);
        var window = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name, From: start + 1, To: end + 1))).Items;
        Assert.Equal("Staging", Assert.Single(window).To);
        var ofVersion1 = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name, Version: "1"))).Items;
        Assert.All(ofVersion1, e => Assert.Equal("1", e.Version));
        var page = await Store.ListEventsAsync(new RegistryEventQuery(Name: name, MaxResults: 2));
        Assert.Equal(2, page.Items.Count);
        Assert.NotNull(page.NextPageToken);
    }

    [Fact]
    public async Task WhoHeldProductionAtT_IsAnsweredFromTheTrail()
    {
        var name = await ModelWithVersionsAsync(3);
        var t0 = Tick();
        await Store.TransitionStageAsync(name, "1", "Production", false, Alice);
        var t1 = Tick();
        await Store.TransitionStageAsync(name, "2", "Production", true, Bob);
        var t2 = Tick();
        await Store.DeleteModelVersionAsync(name, "2", Bob);
        var t3 = Tick();
        await Store.TransitionStageAsync(name, "3", "Production", false, Alice);
        var t4 = Tick();

        Assert.Empty(await Store.VersionsInStageAtAsync(name, "Production", t0));
        Assert.Equal(["1"], await Store.VersionsInStageAtAsync(name, "Production", t1));
        Assert.Equal(["2"], await Store.VersionsInStageAtAsync(name, "Production", t2));
        Assert.Empty(await Store.VersionsInStageAtAsync(name, "Production", t3));
        Assert.Equal(["3"], await Store.VersionsInStageAtAsync(name, "Production", t4));
        Assert.Equal(["1"], await Store.VersionsInStageAtAsync(name, "Archived", t4));
    }

    [Fact]
    public async Task WhoHeldAnAliasAtT_IsAnsweredFromTheTrail()
    {
        var name = await ModelWithVersionsAsync(2);
        var t0 = Tick();
        await Store.SetAliasAsync(name, "champion", "1", Alice);
        var t1 = Tick();
        await Store.SetAliasAsync(name, "champion", "2", Alice);
        var t2 = Tick();
        await Store.DeleteAliasAsync(name, "champion", Bob);
        var t3 = Tick();
        Assert.Null(await Store.AliasTargetAtAsync(name, "champion", t0));
        Assert.Equal("1", await Store.AliasTargetAtAsync(name, "champion", t1));
        Assert.Equal("2", await Store.AliasTargetAtAsync(name, "champion", t2));
        Assert.Null(await Store.AliasTargetAtAsync(name, "champion", t3));
    }

    [Fact]
    public async Task RollbackStage_GoesFurtherBackEachTime()
    {
        var name = await ModelWithVersionsAsync(3);
        await Store.TransitionStageAsync(name, "1", "Production", true, Alice);
        await Store.TransitionStageAsync(name, "2", "Production", true, Alice);
        await Store.TransitionStageAsync(name, "3", "Production", true, Alice);

        var first = await Store.RollbackStageAsync(name, "Production", new Actor("ops", "bad latency"));
        Assert.Equal("2", first.Version);
        Assert.Equal(["2"], (await Store.GetLatestVersionsAsync(name, ["Production"])).Select(v => v.Version));
        Assert.Equal("Archived", (await Store.GetModelVersionAsync(name, "3")).CurrentStage);

        var second = await Store.RollbackStageAsync(name, "Production", new Actor("ops"));
        Assert.Equal("1", second.Version);
        Assert.Equal("Archived", (await Store.GetModelVersionAsync(name, "2")).CurrentStage);

        await Fails(ErrorCode.InvalidParameterValue, () => Store.RollbackStageAsync(name, "Production", new Actor("ops")));
        var rollbacks = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name))).Items.Where(e => e.Rollback).ToList();
        Assert.Contains(rollbacks, e => e.To == "Production" && e.Version == "2" && e.Comment == "bad latency" && e.User == "ops");
    }

    [Fact]
    public async Task RollbackStage_AfterANewPromotion_ReturnsToTheOneBefore()
    {
        var name = await ModelWithVersionsAsync(4);
        await Store.TransitionStageAsync(name, "1", "Production", true, Alice);
        await Store.TransitionStageAsync(name, "2", "Production", true, Alice);
        await Store.RollbackStageAsync(name, "Production", Bob);
        await Store.TransitionStageAsync(name, "4", "Production", true, Alice);
        Assert.Equal("1", (await Store.RollbackStageAsync(name, "Production", Bob)).Version);
    }

    [Fact]
    public async Task RollbackStage_SkipsDeletedVersions()
    {
        var name = await ModelWithVersionsAsync(3);
        await Store.TransitionStageAsync(name, "1", "Production", true, Alice);
        await Store.TransitionStageAsync(name, "2", "Production", true, Alice);
        await Store.TransitionStageAsync(name, "3", "Production", true, Alice);
        await Store.DeleteModelVersionAsync(name, "2", Bob);
        Assert.Equal("1", (await Store.RollbackStageAsync(name, "Production", Bob)).Version);
    }

    [Fact]
    public async Task RollbackAlias_OfProduction_ToAVersionWhoseGatesFailed_IsRefused()
    {
        var name = await ModelWithVersionsAsync(2);
        await Store.SetAliasAsync(name, "production", "1", Alice);
        await Store.SetAliasAsync(name, "production", "2", Alice);
        await Store.SetModelVersionTagAsync(name, "1", new ModelVersionTag(PromotionGuard.ValidationStatusTag, "failed: accuracy_score"), Alice);

        await Fails(ErrorCode.InvalidParameterValue, () => Store.RollbackAliasAsync(name, "production", Bob));
        Assert.Equal("2", (await Store.GetModelVersionByAliasAsync(name, "production")).Version);
        Assert.DoesNotContain((await Store.ListEventsAsync(new RegistryEventQuery(Name: name))).Items, e => e.Rollback);
    }

    [Fact]
    public async Task RollbackStage_OfProduction_ToAVersionWhoseGatesFailed_IsRefused()
    {
        var name = await ModelWithVersionsAsync(2);
        await Store.TransitionStageAsync(name, "1", "Production", true, Alice);
        await Store.TransitionStageAsync(name, "2", "Production", true, Alice);
        await Store.SetModelVersionTagAsync(name, "1", new ModelVersionTag(PromotionGuard.ValidationStatusTag, "failed: accuracy_score"), Alice);

        await Fails(ErrorCode.InvalidParameterValue, () => Store.RollbackStageAsync(name, "Production", Bob));
        Assert.Equal(["2"], (await Store.GetLatestVersionsAsync(name, ["Production"])).Select(v => v.Version));
    }

    [Fact]
    public async Task RollbackAlias_GoesFurtherBackEachTime_AndCanRemoveTheAlias()
    {
        var name = await ModelWithVersionsAsync(3);
        await Store.SetAliasAsync(name, "champion", "1", Alice);
        await Store.SetAliasAsync(name, "champion", "2", Alice);
        await Store.SetAliasAsync(name, "champion", "3", Alice);
        Assert.Equal("2", (await Store.RollbackAliasAsync(name, "champion", Bob))!.Version);
        Assert.Equal("2", (await Store.GetModelVersionByAliasAsync(name, "champion")).Version);
        Assert.Equal("1", (await Store.RollbackAliasAsync(name, "champion", Bob))!.Version);
        Assert.Null(await Store.RollbackAliasAsync(name, "champion", Bob));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.GetModelVersionByAliasAsync(name, "champion"));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.RollbackAliasAsync(name, "champion", Bob));

        await Store.SetAliasAsync(name, "challenger", "3", Alice);
        await Store.DeleteAliasAsync(name, "challenger", Alice);
        Assert.Equal("3", (await Store.RollbackAliasAsync(name, "challenger", Bob))!.Version);
        Assert.Null(await Store.RollbackAliasAsync(name, "challenger", Bob));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.GetModelVersionByAliasAsync(name, "challenger"));
    }

    [Fact]
    public async Task Lineage_IsStoredWithTheVersion()
    {
        if (CallerLineageSkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var name = await ModelWithVersionsAsync(0);
        var lineage = new ModelLineage(
            "0123456789abcdef0123456789abcdef", "1", "brave-otter-1",
            [new LineageDataset("credit", "sha256:abc", "training", "credit.csv")],
            new Dictionary<string, double> { ["accuracy_score"] = 0.91 },
            new Dictionary<string, string> { ["trainer"] = "FastTree" },
            "{\"inputs\":[]}", "0.1.0");
        var v = await Store.CreateModelVersionAsync(new CreateModelVersionCommand(name, "runs:/0123456789abcdef0123456789abcdef/model", lineage.RunId, null, null, null, lineage), Alice);
        var stored = await Store.GetLineageAsync(name, v.Version);
        Assert.NotNull(stored);
        Assert.Equal("sha256:abc", Assert.Single(stored.Datasets).Digest);
        Assert.Equal(0.91, stored.Metrics["accuracy_score"]);
        Assert.Equal("FastTree", stored.Params["trainer"]);
    }

    [Fact]
    public async Task UpdateAndDelete_ModelAndVersions()
    {
        var name = await ModelWithVersionsAsync(1);
        Assert.Equal("new text", (await Store.UpdateRegisteredModelAsync(name, "new text", Alice)).Description);
        Assert.Equal("v1 text", (await Store.UpdateModelVersionAsync(name, "1", "v1 text", Alice)).Description);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.GetModelVersionAsync(name, "one"));
        await Store.DeleteRegisteredModelAsync(name, Bob);
        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.GetRegisteredModelAsync(name));
        var events = (await Store.ListEventsAsync(new RegistryEventQuery(Name: name))).Items;
        Assert.Equal(RegistryEventKinds.ModelDeleted, events[^1].Kind);
    }

    [Fact]
    public async Task Search_PagesThroughModelsAndVersions()
    {
        for (var i = 0; i < 5; i++)
        {
            await ModelWithVersionsAsync(2, $"paged-{i}");
        }

        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await Store.SearchRegisteredModelsAsync(null, 2, null, token);
            names.AddRange(page.Items.Select(m => m.Name));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(5, names.Count);
        var versions = await Store.SearchModelVersionsAsync(null, 100, null, null);
        Assert.Equal(10, versions.Items.Count);
    }
}
