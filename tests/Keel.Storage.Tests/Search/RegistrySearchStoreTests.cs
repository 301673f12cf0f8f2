using Keel.Core.Errors;
using Keel.Core.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Search;

/// <summary>Registry search end to end through a registry store: filters, order, page tokens. One subclass per backend.</summary>
public abstract class RegistrySearchStoreTests : IAsyncLifetime
{
    private static readonly Actor Alice = new("alice");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    private IRegistryStore _store = null!;

    /// <summary>A new, empty store using <paramref name="clock"/>.</summary>
    protected abstract Task<IRegistryStore> CreateStoreAsync(TimeProvider clock);

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync(_clock);

        // fraud-a (team risk, 3 versions, v2 deleted), fraud-b (team growth, 1 version), churn (no tags, 2 versions).
        await ModelAsync("fraud-a", "risk", 3);
        await ModelAsync("fraud-b", "growth", 1);
        await ModelAsync("churn", null, 2);
        await _store.SetModelVersionTagAsync("churn", "2", new ModelVersionTag("validated", "yes"), Alice);
        await _store.SetModelVersionTagAsync("fraud-a", "3", new ModelVersionTag("validated", "yes"), Alice);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _store.DeleteModelVersionAsync("fraud-a", "2", Alice);
    }

    public abstract ValueTask DisposeAsync();

    [Fact]
    public async Task SearchRegisteredModels_NameLike_PagesWithTokens()
    {
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _store.SearchRegisteredModelsAsync("name LIKE 'fraud%'", 1, ["name DESC"], token);
            names.AddRange(page.Items.Select(m => m.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["fraud-b", "fraud-a"], names);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task SearchRegisteredModels_TagFilter_ReturnsWholeModels()
    {
        var page = await _store.SearchRegisteredModelsAsync("tags.team = 'risk'", 10, null, null);
        var model = Assert.Single(page.Items);
        Assert.Equal("fraud-a", model.Name);
        Assert.Contains(model.Tags, t => t.Key == "team" && t.Value == "risk");
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task SearchRegisteredModels_ByTimestamp_NewestFirst()
    {
        var page = await _store.SearchRegisteredModelsAsync(null, 10, ["timestamp DESC"], null);
        Assert.Equal(["fraud-a", "churn", "fraud-b"], page.Items.Select(m => m.Name));
    }

    [Fact]
    public async Task SearchModelVersions_NameAndTag_HidesDeleted()
    {
        var page = await _store.SearchModelVersionsAsync("name = 'fraud-a'", 10, null, null);
        Assert.Equal(["3", "1"], page.Items.Select(v => v.Version));

        var tagged = await _store.SearchModelVersionsAsync("tags.validated = 'yes' AND version_number > 1", 10, ["name"], null);
        Assert.Equal(["churn/2", "fraud-a/3"], tagged.Items.Select(v => $"{v.Name}/{v.Version}"));
    }

    [Fact]
    public async Task SearchModelVersions_DefaultOrder_PagesThroughEveryLiveVersion()
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.SearchModelVersionsAsync(null, 2, null, token);
            keys.AddRange(page.Items.Select(v => $"{v.Name}/{v.Version}"));
            token = page.NextPageToken;
        }
        while (token is not null);

        // Newest update first; version tags do not change a version's update time, so creation order decides.
        Assert.Equal(["churn/2", "churn/1", "fraud-b/1", "fraud-a/3", "fraud-a/1"], keys);
    }

    [Theory]
    [InlineData("name = 'x' OR name = 'y'")]
    [InlineData("run_id = 'r'")]
    public async Task SearchRegisteredModels_BadFilter_IsInvalidParameterValue(string filter)
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => _store.SearchRegisteredModelsAsync(filter, 10, null, null));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    private async Task ModelAsync(string name, string? team, int versions)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _store.CreateRegisteredModelAsync(name, team is null ? null : [new RegisteredModelTag("team", team)], null, Alice);
        for (var i = 0; i < versions; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _store.CreateModelVersionAsync(new CreateModelVersionCommand(name, $"mlflow-artifacts:/{name}/{i}", null, null, null, null, null), Alice);
        }
    }
}
