using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;
using Keel.Stores;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Stores;

public sealed class StoreFactoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-factory-").FullName;

    private string Uri => "sqlite:///" + Path.Combine(_folder, "keel.db");

    private string Artifacts => Path.Combine(_folder, "artifacts");

    [Fact]
    public async Task OpenSqlite_PutsEveryStoreOnOneDatabase_ThatKeepsWhatTheyWrote()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var stores = StoreFactory.Open(Uri, Artifacts))
        {
            var database = Assert.IsType<SqliteDatabase>(stores.Database);
            Assert.Equal(Path.Combine(_folder, "keel.db"), database.DatabasePath);
            Assert.Equal(Path.GetFullPath(Artifacts), stores.ArtifactRoot);
            Assert.Same(stores.Deployments, stores.Leases);
            await stores.Tracking.CreateExperimentAsync("factory", null, null, ct);
            await stores.Registry.CreateRegisteredModelAsync("m", null, null, new Actor("u"), ct);
            await stores.ServedModels.UpsertAsync(new ServedModelEntry("m", "models:/m/1"), ct);
        }

        await using (var reopened = StoreFactory.Open(Uri, Artifacts))
        {
            Assert.NotNull(await reopened.Tracking.GetExperimentByNameAsync("factory", ct));
            Assert.Equal("m", (await reopened.Registry.GetRegisteredModelAsync("m", ct)).Name);
            Assert.Contains(await reopened.ServedModels.ListAsync(ct), e => e.Name == "m");
        }
    }

    [Fact]
    public async Task OpenSqlite_TrackingOnTheSharedDatabase_KeepsItsMetricSequenceAcrossBatches()
    {
        // The tracking store's counter lives in the database's batch hooks: two observations with the
        // same step and timestamp, in two batches, are both kept, and the later one is the latest.
        var ct = TestContext.Current.CancellationToken;
        await using var stores = StoreFactory.Open(Uri, Artifacts);
        var experiment = await stores.Tracking.CreateExperimentAsync("seq", null, null, ct);
        var run = await stores.Tracking.CreateRunAsync(new CreateRunCommand(experiment, "u", "r", 1, []), ct);

        await stores.Tracking.LogMetricAsync(run.Info.RunId, new Metric("m", 1.0, 1000, 5), ct);
        await stores.Tracking.LogMetricAsync(run.Info.RunId, new Metric("m", 2.0, 1000, 5), ct);

        var history = await stores.Tracking.GetMetricHistoryAsync(run.Info.RunId, "m", 100, null, ct);
        Assert.Equal([1.0, 2.0], history.Items.Select(m => m.Value).Order());
        Assert.Equal(2.0, Assert.Single((await stores.Tracking.GetRunAsync(run.Info.RunId, ct)).Data.Metrics).Value);
    }

    [Fact]
    public async Task OpenSqlite_GivesTheStoresTheLimitsAsked()
    {
        var limits = new Core.Validation.InputLimits { MaxTagsPerEntity = 1 };
        await using var stores = StoreFactory.Open(Uri, Artifacts, new StoreFactoryOptions { Limits = limits });

        Assert.Same(limits, stores.Limits);
        Assert.Same(limits, ((SqliteTrackingStore)stores.Tracking).Limits);
    }

    [Fact]
    public void OpenPostgres_OnAnUnreachableServer_FailsClearly_WithoutEchoingThePassword()
    {
        // Port 1 on loopback: nothing listens.
        var e = Assert.Throws<KeelException>(() => StoreFactory.Open("postgresql://keel:s3cret@127.0.0.1:1/keel", Artifacts));

        Assert.Equal(ErrorCode.TemporarilyUnavailable, e.Code);
        Assert.Contains("cannot reach PostgreSQL", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenWithABadScheme_IsRefusedBeforeAnythingIsCreated()
    {
        var e = Assert.Throws<KeelException>(() => StoreFactory.Open("mysql://localhost/keel", Artifacts));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void OpenWithABadArtifactsUri_IsRefusedBeforeTheDatabaseIsCreated()
    {
        var e = Assert.Throws<KeelException>(() => StoreFactory.Open(Uri, "ftp://host/artifacts"));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.False(File.Exists(Path.Combine(_folder, "keel.db")));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
