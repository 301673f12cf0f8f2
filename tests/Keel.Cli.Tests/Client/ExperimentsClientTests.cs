using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Client;

public sealed class ExperimentsClientTests(KeelServerFixture server)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateExperiment_ThenGetAndGetByName_ReturnTheSameExperiment()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("exp");

        var id = await client.CreateExperimentAsync(name, tags: [new ExperimentTag("team", "ml")], cancellationToken: _ct);
        var byId = await client.GetExperimentAsync(id, _ct);
        var byName = await client.GetExperimentByNameAsync(name, _ct);

        Assert.Equal(name, byId.Name);
        Assert.Equal(id, byName.ExperimentId);
        Assert.Equal(LifecycleStage.Active, byId.LifecycleStage);
        Assert.Contains(new ExperimentTag("team", "ml"), byId.Tags);
        Assert.False(string.IsNullOrEmpty(byId.ArtifactLocation));
    }

    [Fact]
    public async Task CreateExperiment_DuplicateName_ThrowsResourceAlreadyExists()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("dup");
        await client.CreateExperimentAsync(name, cancellationToken: _ct);

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateExperimentAsync(name, cancellationToken: _ct));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, e.Code);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateExperiment_EmptyName_ThrowsInvalidParameterValue()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.CreateExperimentAsync(string.Empty, cancellationToken: _ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task GetExperiment_UnknownId_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentAsync("987654321", _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task GetExperimentByName_UnknownName_ThrowsResourceDoesNotExist()
    {
        using var client = server.CreateClient();

        var e = await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentByNameAsync(KeelServerFixture.UniqueName("missing"), _ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task SearchExperiments_PageSizeOne_PagesThroughEveryExperiment()
    {
        using var client = server.CreateClient();
        var prefix = KeelServerFixture.UniqueName("page");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await client.CreateExperimentAsync($"{prefix}-{i}", cancellationToken: _ct));
        }

        var query = new ExperimentSearchQuery(MaxResults: 1);
        var first = await client.SearchExperimentsAsync(query, _ct);
        var all = new List<Experiment>();
        await foreach (var e in client.SearchAllExperimentsAsync(query, _ct))
        {
            all.Add(e);
        }

        Assert.Single(first.Items);
        Assert.NotNull(first.NextPageToken);
        // Other tests create experiments concurrently, which can shift offset pages (repeats), so
        // only completeness is checked here.
        Assert.Subset(all.Select(e => e.ExperimentId).ToHashSet(), ids.ToHashSet());
    }

    [Fact]
    public async Task SearchExperiments_NameFilter_ReturnsOnlyMatches()
    {
        using var client = server.CreateClient();
        var prefix = KeelServerFixture.UniqueName("filter");
        var wanted = await client.CreateExperimentAsync($"{prefix}-a", cancellationToken: _ct);
        await client.CreateExperimentAsync(KeelServerFixture.UniqueName("other"), cancellationToken: _ct);

        var result = await client.SearchExperimentsAsync(new ExperimentSearchQuery(Filter: $"name LIKE '{prefix}%'"), _ct);

        Assert.Equal([wanted], result.Items.Select(e => e.ExperimentId));
    }

    [Fact]
    public async Task RenameExperiment_ChangesTheName()
    {
        using var client = server.CreateClient();
        var id = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("old"), cancellationToken: _ct);
        var newName = KeelServerFixture.UniqueName("new");

        await client.RenameExperimentAsync(id, newName, _ct);

        Assert.Equal(newName, (await client.GetExperimentAsync(id, _ct)).Name);
    }

    [Fact]
    public async Task DeleteAndRestoreExperiment_ChangeTheLifecycleStageAndSearchViews()
    {
        using var client = server.CreateClient();
        var name = KeelServerFixture.UniqueName("del");
        var id = await client.CreateExperimentAsync(name, cancellationToken: _ct);

        await client.DeleteExperimentAsync(id, _ct);
        var deleted = await client.GetExperimentAsync(id, _ct);
        var active = await IdsAsync(client, ViewType.ActiveOnly);
        var deletedOnly = await IdsAsync(client, ViewType.DeletedOnly);
        await client.RestoreExperimentAsync(id, _ct);

        Assert.Equal(LifecycleStage.Deleted, deleted.LifecycleStage);
        Assert.DoesNotContain(id, active);
        Assert.Contains(id, deletedOnly);
        Assert.Equal(LifecycleStage.Active, (await client.GetExperimentAsync(id, _ct)).LifecycleStage);
    }

    [Fact]
    public async Task SetAndDeleteExperimentTag_AddThenRemoveTheTag()
    {
        using var client = server.CreateClient();
        var id = await client.CreateExperimentAsync(KeelServerFixture.UniqueName("tags"), cancellationToken: _ct);

        await client.SetExperimentTagAsync(id, "owner", "alice", _ct);
        var tagged = await client.GetExperimentAsync(id, _ct);
        await client.DeleteExperimentTagAsync(id, "owner", _ct);
        var untagged = await client.GetExperimentAsync(id, _ct);

        Assert.Contains(new ExperimentTag("owner", "alice"), tagged.Tags);
        Assert.DoesNotContain(untagged.Tags, t => t.Key == "owner");
    }

    private async Task<List<string>> IdsAsync(Keel.Client.KeelClient client, ViewType view)
    {
        var ids = new List<string>();
        await foreach (var e in client.SearchAllExperimentsAsync(new ExperimentSearchQuery(view), _ct))
        {
            ids.Add(e.ExperimentId);
        }

        return ids;
    }
}
