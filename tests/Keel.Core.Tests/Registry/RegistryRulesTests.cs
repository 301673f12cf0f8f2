using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Validation;
using W = Keel.Core.Registry.RegistryWrite;

namespace Keel.Core.Tests.Registry;

public sealed class RegistryRulesTests
{
    private const long Now = 1_700_000_000_000;
    private static readonly Actor Alice = new("alice", "why");
    private static readonly RegistryModelState Model = new("old description");
    private static readonly RegistryVersionState Live = new(ModelExists: true, Stage: "None");
    private static readonly ModelSource Source = new("mlflow-artifacts:/m", InStore: true);

    private readonly RegistryRules _rules = new();

    private static CreateModelVersionCommand Command(params ModelVersionTag[] tags) => new("m", "mlflow-artifacts:/m", null, tags, null, "d", null);

    private static List<W.AppendEvent> Events(RegistryChange change) => change.Writes.OfType<W.AppendEvent>().ToList();

    [Theory]
    [InlineData(null, 1L)]
    [InlineData(3L, 4L)]
    public void CreateVersion_IsNumberedMaxPlusOne_OverEveryVersionEverCreated(long? max, long expected)
    {
        var change = _rules.CreateVersion(Command(), Source, null, Alice, modelExists: true, max, Now);

        Assert.Equal(expected, change.Version);
        var insert = Assert.IsType<W.InsertVersion>(change.Writes[0]);
        Assert.Equal(new W.InsertVersion("m", expected, Now, "alice", "d", "mlflow-artifacts:/m", null, null, null), insert);
        var created = Assert.Single(Events(change));
        Assert.Equal((RegistryEventKinds.VersionCreated, (long?)expected, "None", "why"), (created.Kind, created.Version, created.To, created.Comment));
    }

    [Fact]
    public void CreateVersion_OfAMissingModel_IsNotFound_AndWritesNothing()
    {
        var e = Assert.Throws<KeelException>(() => _rules.CreateVersion(Command(), Source, null, Alice, modelExists: false, null, Now));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public void CreateVersion_WithMoreDistinctTagsThanTheLimit_IsRefused_ButARepeatedKeyCountsOnce()
    {
        var rules = new RegistryRules(new InputLimits { MaxTagsPerEntity = 2 });
        rules.CreateVersion(Command(new("a", "1"), new("b", "2"), new("a", "3")), Source, null, Alice, true, null, Now);
        var e = Assert.Throws<KeelException>(() => rules.CreateVersion(Command(new("a", "1"), new("b", "2"), new("c", "3")), Source, null, Alice, true, null, Now));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public void TransitionStage_ArchivingExisting_ArchivesTheOthersFirst_EachMoveAudited()
    {
        var change = _rules.TransitionStage("m", 2, "Production", archiveExistingVersions: true, Alice, Live, null, [3, 1, 2], Now);

        var moves = change.Writes.OfType<W.SetVersionStage>().Select(w => (w.Version, w.Stage)).ToList();
        Assert.Equal([(1L, "Archived"), (3L, "Archived"), (2L, "Production")], moves);
        var events = Events(change).Select(e => (e.Version, e.From, e.To)).ToList();
        Assert.Equal([((long?)1L, "Production", "Archived"), (3L, "Production", "Archived"), (2L, "None", "Production")], events);
    }

    [Theory]
    [InlineData("Archived", true)]
    [InlineData("Production", false)]
    public void TransitionStage_ArchivesOthersOnlyWhenAskedAndOnlyIntoStagingOrProduction(string stage, bool archive)
    {
        var change = _rules.TransitionStage("m", 2, stage, archive, Alice, Live, null, [1], Now);
        Assert.Equal([2L], change.Writes.OfType<W.SetVersionStage>().Select(w => w.Version));
    }

    [Fact]
    public void TransitionStage_IntoProductionAfterFailedGates_IsRefused_UnlessForcedWithAReason_WhichIsAudited()
    {
        var e = Assert.Throws<KeelException>(() => _rules.TransitionStage("m", 1, "Production", false, Alice, Live, "failed: auc", [], Now));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);

        var change = _rules.TransitionStage("m", 1, "Production", false, Alice with { Force = true }, Live, "failed: auc", [], Now);
        Assert.StartsWith("[forced past failed gates: failed: auc] why", Assert.Single(Events(change)).Comment, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, null, ErrorCode.ResourceDoesNotExist, "Registered Model")]
    [InlineData(true, null, ErrorCode.ResourceDoesNotExist, "Model Version")]
    [InlineData(true, RegistryRules.DeletedStage, ErrorCode.ResourceDoesNotExist, "Model Version")]
    public void VersionChanges_OnAMissingOrDeletedVersion_AreNotFound_NamingWhatIsMissing(bool modelExists, string? stage, ErrorCode code, string what)
    {
        var e = Assert.Throws<KeelException>(() => _rules.UpdateVersion("m", 1, "d", Alice, new RegistryVersionState(modelExists, stage), Now));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeleteVersion_RemovesItsAliasesFirst_ThenSoftDeletesIt()
    {
        var change = _rules.DeleteVersion("m", 1, Alice, new RegistryVersionState(true, "Staging"), ["prod", "champion"], Now);

        Assert.Equal(
            [RegistryEventKinds.AliasDeleted, RegistryEventKinds.AliasDeleted, RegistryEventKinds.VersionDeleted],
            Events(change).Select(e => e.Kind));
        Assert.Equal(["champion", "prod"], change.Writes.OfType<W.DeleteAlias>().Select(w => w.Alias));
        Assert.Equal(new W.SetVersionStage("m", 1, RegistryRules.DeletedStage, Now), change.Writes.OfType<W.SetVersionStage>().Single());
        Assert.Equal("Staging", Events(change)[^1].From);
    }

    [Fact]
    public void SetAlias_MovingIt_RecordsTheOldTarget()
    {
        var change = _rules.SetAlias("m", "champion", 2, Alice, Live, null, currentTarget: 1, Now);
        Assert.Equal(new W.PointAlias("m", "champion", 2), change.Writes[0]);
        var e = Assert.Single(Events(change));
        Assert.Equal(("champion", "1", "2"), (e.Target, e.From, e.To));
    }

    [Fact]
    public void DeleteAlias_ThatDoesNotExist_WritesNothing_AndAuditsNothing() =>
        Assert.Empty(_rules.DeleteAlias("m", "champion", Alice, modelExists: true, currentTarget: null, Now).Writes);

    [Fact]
    public void SetModelTag_AtTheLimit_ReplacingAKeyIsAllowed_AddingOneIsRefused()
    {
        var rules = new RegistryRules(new InputLimits { MaxTagsPerEntity = 2 });
        rules.SetModelTag("m", new RegisteredModelTag("a", "2"), Alice, Model, oldValue: "1", tagCount: 2, Now);
        Assert.Throws<KeelException>(() => rules.SetModelTag("m", new RegisteredModelTag("c", "2"), Alice, Model, oldValue: null, tagCount: 2, Now));
    }

    [Fact]
    public void RenameModel_MovesRowAndHistory_AndRecordsTheOldNameUnderTheNewOne()
    {
        var change = _rules.RenameModel("m", "n", Alice, Model, newNameTaken: false, Now);
        Assert.Equal(new W.RenameModel("m", "n", Now), change.Writes[0]);
        var e = Assert.Single(Events(change));
        Assert.Equal(("n", RegistryEventKinds.ModelRenamed, "m", "n"), (e.Name, e.Kind, e.From, e.To));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, Assert.Throws<KeelException>(() => _rules.RenameModel("m", "n", Alice, Model, newNameTaken: true, Now)).Code);
    }

    [Fact]
    public void EveryChange_ChecksTheActorItRecords()
    {
        var e = Assert.Throws<KeelException>(() => _rules.UpdateModel("m", "d", new Actor("al\nice"), Model, Now));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public void Holders_RollingBackTwice_GoesTwoStepsBack_NotBackAndForth()
    {
        RegistryHistoryEntry Set(long v, bool rollback = false) => new(v, RegistryEventKinds.StageTransition, "Production", rollback);
        Assert.Equal([1L, 2L], RegistryHistory.Holders([Set(1), Set(2), Set(3), Set(2, rollback: true)], alias: false));
        Assert.Equal([1L], RegistryHistory.Holders([Set(1), Set(2), Set(3), Set(2, rollback: true), Set(1, rollback: true)], alias: false));
    }

    [Fact]
    public void RollbackStage_SkipsDeletedVersions_AndArchivesTheCurrentHolder()
    {
        RegistryHistoryEntry Set(long v) => new(v, RegistryEventKinds.StageTransition, "Production", false);
        var stages = new Dictionary<long, string> { [1] = "Archived", [2] = RegistryRules.DeletedStage, [3] = "Production" };

        var change = _rules.RollbackStage("m", "Production", Alice, Model, [Set(1), Set(2), Set(3)], stages, new Dictionary<long, string>(), Now);

        Assert.Equal(1, change.Version);
        Assert.Equal([(3L, "Archived"), (1L, "Production")], change.Writes.OfType<W.SetVersionStage>().Select(w => (w.Version, w.Stage)));
        Assert.All(Events(change), e => Assert.True(e.Rollback));
    }

    [Fact]
    public void RollbackAlias_OfItsFirstAssignment_RemovesTheAlias()
    {
        var history = new[] { new RegistryHistoryEntry(1, RegistryEventKinds.AliasSet, "1", false) };
        var change = _rules.RollbackAlias("m", "champion", Alice, Model, history, new Dictionary<long, string> { [1] = "None" }, new Dictionary<long, string>(), currentTarget: 1, Now);

        Assert.Null(change.Version);
        Assert.Equal(new W.DeleteAlias("m", "champion"), change.Writes[0]);
        Assert.True(Assert.Single(Events(change)).Rollback);
    }

    [Fact]
    public void StageHoldersAt_ReplaysCreationTransitionsAndDeletion()
    {
        RegistryHistoryEntry E(long v, string kind, string? to) => new(v, kind, to, false);
        var entries = new[]
        {
            E(1, RegistryEventKinds.VersionCreated, "None"), E(2, RegistryEventKinds.VersionCreated, "None"),
            E(1, RegistryEventKinds.StageTransition, "Production"), E(2, RegistryEventKinds.StageTransition, "Production"),
            E(1, RegistryEventKinds.VersionDeleted, null),
        };
        Assert.Equal(["2"], RegistryHistory.StageHoldersAt(entries, "Production"));
        Assert.Empty(RegistryHistory.StageHoldersAt(entries, "None"));
    }

    [Fact]
    public void LatestPerStage_IsTheHighestVersionOfEachWantedStage()
    {
        static ModelVersion V(string version, string stage) => new("m", version, 0, 0, null, stage, null, "s", null, "READY", null, [], null, []);
        var versions = new[] { V("1", "Production"), V("10", "Production"), V("2", "None"), V("3", "Staging") };
        Assert.Equal(["3", "10"], RegistryRules.LatestPerStage(versions, ["Production", "Staging"]).Select(v => v.Version));
        Assert.Equal(["2", "3", "10"], RegistryRules.LatestPerStage(versions, null).Select(v => v.Version));
    }
}
