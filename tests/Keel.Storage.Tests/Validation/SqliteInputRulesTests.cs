using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Validation;

/// <summary>
/// Core's input rules hold on the local store path too (the CLI writes to a SQLite store directly,
/// without a server in between), and the tag-count limit holds under concurrent writes because it
/// is checked inside the store's write transaction.
/// </summary>
public sealed class SqliteInputRulesTests : IAsyncDisposable
{
    private const int MaxTags = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-input-rules-").FullName;
    private readonly SqliteDatabase _database;
    private readonly SqliteTrackingStore _tracking;
    private readonly SqliteRegistryStore _registry;

    public SqliteInputRulesTests()
    {
        _database = new SqliteDatabase(Path.Combine(_folder, "keel.db"), TimeProvider.System)
        {
            Limits = new InputLimits { MaxTagsPerEntity = MaxTags },
        };
        _tracking = new SqliteTrackingStore(_database, Path.Combine(_folder, "artifacts"));
        _registry = new SqliteRegistryStore(_database, _tracking.ArtifactRoot);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task LongParamAndTagValues_OnTheLocalStore_AreTruncatedAsOverHttp()
    {
        // keel train on a local store meets MLflow's truncation too: it lives in the store, not only at the HTTP edge.
        var experiment = await _tracking.CreateExperimentAsync("truncation", null, null, TestContext.Current.CancellationToken);
        var run = await _tracking.CreateRunAsync(new CreateRunCommand(experiment, "u", "r", 1, []), TestContext.Current.CancellationToken);
        await _tracking.LogParamAsync(run.Info.RunId, new Param("p", new string('p', 7000)), TestContext.Current.CancellationToken);
        await _tracking.LogBatchAsync(run.Info.RunId, [], [], [new RunTag("t", new string('t', 9000))], TestContext.Current.CancellationToken);

        var stored = await _tracking.GetRunAsync(run.Info.RunId, TestContext.Current.CancellationToken);
        Assert.Equal(6000, stored.Data.Params.Single(p => p.Key == "p").Value.Length);
        Assert.Equal(8000, stored.Data.Tags.Single(t => t.Key == "t").Value.Length);
    }

    [Theory]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a@b")]
    [InlineData("..")]
    [InlineData("m<D800>")] // Theory data is serialized as UTF-8: <D800> stands for the lone surrogate.
    public async Task CreateRegisteredModel_OnTheLocalStore_UnusableName_IsRefusedAndNothingStored(string text)
    {
        var name = text.Replace("<D800>", "\ud800", StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<KeelException>(() => _registry.CreateRegisteredModelAsync(name, null, null, Actor.Anonymous, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Empty((await _registry.SearchRegisteredModelsAsync(null, 100, null, null, TestContext.Current.CancellationToken)).Items);
    }

    [Fact]
    public async Task RegistryWrites_OnTheLocalStore_OverLongTextIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await _registry.CreateRegisteredModelAsync("m", null, null, Actor.Anonymous, ct);

        await AssertInvalid("MaxDescriptionLength", () => _registry.UpdateRegisteredModelAsync("m", new string('d', 5001), Actor.Anonymous, ct));
        await AssertInvalid("MaxRunLinkLength", () => _registry.CreateModelVersionAsync(new CreateModelVersionCommand("m", "mlflow-artifacts:/x", null, null, new string('l', 501), null, null), Actor.Anonymous, ct));
        await AssertInvalid("MaxCommentLength", () => _registry.UpdateRegisteredModelAsync("m", "ok", new Actor("bob", new string('c', 5001)), ct));
        await AssertInvalid("MaxUserIdLength", () => _registry.UpdateRegisteredModelAsync("m", "ok", new Actor(new string('u', 257)), ct));
        await AssertInvalid("Invalid registered model name", () => _registry.RenameRegisteredModelAsync("m", "m?v=2", Actor.Anonymous, ct));

        var model = await _registry.GetRegisteredModelAsync("m", ct);
        Assert.Null(model.Description);
        Assert.DoesNotContain((await _registry.ListEventsAsync(new RegistryEventQuery("m", null, null, null, 100, null), ct)).Items, e => e.Kind != RegistryEventKinds.ModelCreated);
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\r\nb")]
    public async Task CreateExperiment_OnTheLocalStore_ControlCharacterInName_IsRefused(string name)
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => _tracking.CreateExperimentAsync(name, null, null, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("control characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateExperiment_OnTheLocalStore_OverLongArtifactLocation_IsRefused() =>
        await AssertInvalid("MaxArtifactLocationLength", () => _tracking.CreateExperimentAsync("e", new string('a', 2049), null, TestContext.Current.CancellationToken));

    [Fact]
    public async Task ConcurrentRegisteredModelTags_NeverExceedTheLimit()
    {
        var ct = TestContext.Current.CancellationToken;
        await _registry.CreateRegisteredModelAsync("tags", null, null, Actor.Anonymous, ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Outcome(() => _registry.SetRegisteredModelTagAsync("tags", new RegisteredModelTag($"k{i}", "v"), Actor.Anonymous, ct))));

        Assert.Equal(MaxTags, outcomes.Count(ok => ok));
        Assert.Equal(MaxTags, (await _registry.GetRegisteredModelAsync("tags", ct)).Tags.Count);
        await _registry.SetRegisteredModelTagAsync("tags", new RegisteredModelTag("k0", "replaced"), Actor.Anonymous, ct); // Replacing a tag is not adding one.
    }

    [Fact]
    public async Task ConcurrentModelVersionAndExperimentTags_NeverExceedTheLimit()
    {
        var ct = TestContext.Current.CancellationToken;
        await _registry.CreateRegisteredModelAsync("mv", null, null, Actor.Anonymous, ct);
        await _registry.CreateModelVersionAsync(new CreateModelVersionCommand("mv", "mlflow-artifacts:/x", null, null, null, null, null), Actor.Anonymous, ct);
        var experiment = await _tracking.CreateExperimentAsync("tagged", null, null, ct);

        var versionTags = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Outcome(() => _registry.SetModelVersionTagAsync("mv", "1", new ModelVersionTag($"k{i}", "v"), Actor.Anonymous, ct))));
        var experimentTags = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Outcome(() => _tracking.SetExperimentTagAsync(experiment, $"k{i}", "v", ct))));

        Assert.Equal(MaxTags, versionTags.Count(ok => ok));
        Assert.Equal(MaxTags, (await _registry.GetModelVersionAsync("mv", "1", ct)).Tags.Count);
        Assert.Equal(MaxTags, experimentTags.Count(ok => ok));
        Assert.Equal(MaxTags, (await _tracking.GetExperimentAsync(experiment, ct)).Tags.Count);
    }

    [Fact]
    public async Task RunTags_ThroughSetTagAndLogBatch_NeverExceedTheLimit()
    {
        var ct = TestContext.Current.CancellationToken;
        var experiment = await _tracking.CreateExperimentAsync("runs", null, null, ct);
        var run = await _tracking.CreateRunAsync(new CreateRunCommand(experiment, "bob", "r", 1, null), ct);
        var existing = run.Data.Tags.Count;

        var batch = Enumerable.Range(0, MaxTags).Select(i => new RunTag($"b{i}", "v")).ToList();
        await AssertInvalid("MaxTagsPerEntity", () => _tracking.LogBatchAsync(run.Info.RunId, [], [], batch, ct));
        Assert.Equal(existing, (await _tracking.GetRunAsync(run.Info.RunId, ct)).Data.Tags.Count); // The whole batch was rolled back.

        var single = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Outcome(() => _tracking.SetTagAsync(run.Info.RunId, new RunTag($"s{i}", "v"), ct))));
        Assert.Equal(MaxTags - existing, single.Count(ok => ok));
        Assert.Equal(MaxTags, (await _tracking.GetRunAsync(run.Info.RunId, ct)).Data.Tags.Count);
    }

    private static async Task AssertInvalid(string mentions, Func<Task> write)
    {
        var e = await Assert.ThrowsAsync<KeelException>(write);
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(mentions, e.Message, StringComparison.Ordinal);
    }

    private static async Task<bool> Outcome(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue && e.Message.Contains("MaxTagsPerEntity", StringComparison.Ordinal))
        {
            return false;
        }
    }
}
