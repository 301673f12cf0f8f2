using Keel.Core.Registry;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Registry;

public sealed class PostgresRegistryStoreTests(PostgresServer server) : RegistryStoreComplianceTests
{
    private const string ArtifactRoot = "/srv/keel/artifacts";
    private static readonly Actor Alice = new("alice");

    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IRegistryStore> CreateStoreAsync() => new PostgresRegistryStore(await _db.CreateAsync(Clock), ArtifactRoot);

    [Fact]
    public async Task CreateVersion_32ConcurrentCreatesThroughTwoDatabases_LikeTwoProcesses_GetUniqueGapFreeNumbers()
    {
        await Store.CreateRegisteredModelAsync("race", null, null, Alice);
        await using var first = await PostgresDatabase.OpenAsync(_db.ConnectionString, Clock);
        await using var second = await PostgresDatabase.OpenAsync(_db.ConnectionString, Clock);
        var stores = new[] { new PostgresRegistryStore(first, ArtifactRoot), new PostgresRegistryStore(second, ArtifactRoot) };

        using var start = new ManualResetEventSlim();
        var creates = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await stores[i % 2].CreateModelVersionAsync(new CreateModelVersionCommand("race", $"mlflow-artifacts:/race/{i}", null, null, null, null, null), Alice);
        })).ToList();
        start.Set();
        var versions = await Task.WhenAll(creates);

        Assert.Equal(Enumerable.Range(1, 32).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), versions.Select(v => v.Version).Order());
        var created = (await Store.ListEventsAsync(new RegistryEventQuery("race"))).Items.Where(e => e.Kind == RegistryEventKinds.VersionCreated).ToList();
        Assert.Equal(32, created.Select(e => e.Version).Distinct().Count());
    }

    [Fact]
    public async Task CreateModel_RacingCreatesOfOneName_ExactlyOneSucceeds_OthersAlreadyExist()
    {
        await using var other = await PostgresDatabase.OpenAsync(_db.ConnectionString, Clock);
        var stores = new IRegistryStore[] { Store, new PostgresRegistryStore(other, ArtifactRoot) };
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await stores[i % 2].CreateRegisteredModelAsync("twin", null, null, Alice);
                return null;
            }
            catch (Keel.Core.Errors.KeelException e)
            {
                return (Keel.Core.Errors.ErrorCode?)e.Code;
            }
        })));

        Assert.Single(results, r => r is null);
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(Keel.Core.Errors.ErrorCode.ResourceAlreadyExists, r));
        Assert.Single((await Store.ListEventsAsync(new RegistryEventQuery("twin"))).Items);
    }

    [Fact]
    public async Task Registry_SurvivesARestart()
    {
        await Store.CreateRegisteredModelAsync("kept", [new RegisteredModelTag("team", "risk")], "d", Alice);
        await Store.CreateModelVersionAsync(new CreateModelVersionCommand("kept", "mlflow-artifacts:/k", null, null, null, null, null), Alice);
        await Store.SetAliasAsync("kept", "champion", "1", Alice);
        var before = await Store.GetRegisteredModelAsync("kept");

        var reopened = new PostgresRegistryStore(await _db.ReopenAsync(Clock), ArtifactRoot);
        var after = await reopened.GetRegisteredModelAsync("kept");
        Assert.Equal(before.Tags, after.Tags);
        Assert.Equal(before.Aliases, after.Aliases);
        Assert.Equal("1", (await reopened.GetModelVersionByAliasAsync("kept", "champion")).Version);
        Assert.Equal("2", (await reopened.CreateModelVersionAsync(new CreateModelVersionCommand("kept", "mlflow-artifacts:/k2", null, null, null, null, null), Alice)).Version);
    }

    [Fact]
    public async Task NulCharacterInAName_IsABadParameter_NotAServerError()
    {
        var e = await Assert.ThrowsAsync<Keel.Core.Errors.KeelException>(() => Store.GetRegisteredModelAsync("a\0b"));
        Assert.Equal(Keel.Core.Errors.ErrorCode.InvalidParameterValue, e.Code);
        e = await Assert.ThrowsAsync<Keel.Core.Errors.KeelException>(() => Store.SetRegisteredModelTagAsync("a\0b", new RegisteredModelTag("k", "v"), Alice));
        Assert.True(e.Code is Keel.Core.Errors.ErrorCode.InvalidParameterValue, e.Message);
        e = await Assert.ThrowsAsync<Keel.Core.Errors.KeelException>(() => Store.ListEventsAsync(new RegistryEventQuery("a\0b")));
        Assert.Equal(Keel.Core.Errors.ErrorCode.InvalidParameterValue, e.Code);
    }

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
