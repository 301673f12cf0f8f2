using Keel.Core.Auth;
using Keel.Server.Auth;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Auth;

/// <summary>
/// Scoring reads a presented token from the store at most every 5 seconds per process: two
/// <see cref="AuthService"/>s on one SQLite store stand for two replicas.
/// </summary>
public sealed class ScoringTokenCacheTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-scoring-cache-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
    private readonly SqliteTrackingStore _database;
    private readonly AuthService _one;
    private readonly AuthService _other;

    public ScoringTokenCacheTests()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), _clock);
        var store = new SqliteAuthStore(_database.Database);
        _one = new AuthService(store, new IdentityPasswordHasher(), new AuthOptions(), _clock);
        _other = new AuthService(store, new IdentityPasswordHasher(), new AuthOptions(), _clock);
    }

    [Fact]
    public async Task ARevocation_HoldsAtOnceOnTheReplicaThatMadeIt_AndWithinFiveSecondsOnAnother()
    {
        var (token, secret) = await _one.CreateScoringTokenAsync(ResourceKind.Deployment, "dep", "ci", "alice", null);
        Assert.Equal(ScoringCheck.Allowed, await _one.CheckScoringAsync(ResourceKind.Deployment, "dep", secret));
        Assert.Equal(ScoringCheck.Allowed, await _other.CheckScoringAsync(ResourceKind.Deployment, "dep", secret));

        await _one.RevokeScoringTokenAsync(ResourceKind.Deployment, "dep", token.Id);
        Assert.Equal(ScoringCheck.Missing, await _one.CheckScoringAsync(ResourceKind.Deployment, "dep", secret));
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(ScoringCheck.Allowed, await _other.CheckScoringAsync(ResourceKind.Deployment, "dep", secret));
        _clock.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(ScoringCheck.Missing, await _other.CheckScoringAsync(ResourceKind.Deployment, "dep", secret));
    }

    [Fact]
    public async Task ACachedToken_StillExpiresOnTime_AndItsLastUseIsWrittenOncePerMinute()
    {
        var (token, secret) = await _one.CreateScoringTokenAsync(ResourceKind.ServedModel, "bc", "ci", "alice", TimeSpan.FromMinutes(3));
        var created = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(ScoringCheck.Allowed, await _one.CheckScoringAsync(ResourceKind.ServedModel, "bc", secret));
        Assert.Equal(created, (await _one.Store.GetScoringTokenAsync(token.Id))!.LastUsedAt);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(ScoringCheck.Allowed, await _one.CheckScoringAsync(ResourceKind.ServedModel, "bc", secret));
        Assert.Equal(created, (await _one.Store.GetScoringTokenAsync(token.Id))!.LastUsedAt);
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(ScoringCheck.Allowed, await _one.CheckScoringAsync(ResourceKind.ServedModel, "bc", secret));
        Assert.Equal(created + 61_000, (await _one.Store.GetScoringTokenAsync(token.Id))!.LastUsedAt);

        _clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(ScoringCheck.Missing, await _one.CheckScoringAsync(ResourceKind.ServedModel, "bc", secret));
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
