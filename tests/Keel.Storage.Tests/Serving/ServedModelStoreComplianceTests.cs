using Keel.Core.Errors;
using Keel.Core.Serving;

namespace Keel.Storage.Tests.Serving;

/// <summary>Every behaviour an <see cref="IServedModelStore"/> must have, whatever the backend.</summary>
public abstract class ServedModelStoreComplianceTests : IAsyncLifetime
{
    protected IServedModelStore Store { get; private set; } = null!;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IServedModelStore> CreateStoreAsync();

    /// <summary>The same store after a restart (closed and opened again on the same data).</summary>
    protected abstract Task<IServedModelStore> ReopenStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    [Fact]
    public async Task List_OfANewStore_IsEmpty() => Assert.Empty(await Store.ListAsync());

    [Fact]
    public async Task Upsert_ThenList_ReturnsEveryEntryByName_WithTimes()
    {
        await Store.UpsertAsync(new ServedModelEntry("credit", "models:/credit@champion"));
        await Store.UpsertAsync(new ServedModelEntry("bc", "models:/bc/3"));

        var list = await Store.ListAsync();

        Assert.Equal(["bc", "credit"], list.Select(e => e.Name));
        Assert.Equal("models:/bc/3", list[0].ModelUri);
        Assert.False(list[0].Follows);
        Assert.True(list[1].Follows);
        Assert.All(list, e => Assert.True(e.CreatedAtMs > 0 && e.UpdatedAtMs >= e.CreatedAtMs));
    }

    [Fact]
    public async Task Upsert_OfAnExistingName_ReplacesTheUri_AndKeepsTheCreationTime()
    {
        var first = await Store.UpsertAsync(new ServedModelEntry("credit", "models:/credit/1"));

        var second = await Store.UpsertAsync(new ServedModelEntry("credit", "models:/credit@champion"));

        Assert.Equal(first.CreatedAtMs, second.CreatedAtMs);
        var entry = Assert.Single(await Store.ListAsync());
        Assert.Equal("models:/credit@champion", entry.ModelUri);
        Assert.Equal(first.CreatedAtMs, entry.CreatedAtMs);
    }

    [Fact]
    public async Task Remove_DeletesTheEntry_AndSaysWhetherThereWasOne()
    {
        await Store.UpsertAsync(new ServedModelEntry("credit", "models:/credit/1"));

        Assert.True(await Store.RemoveAsync("credit"));
        Assert.False(await Store.RemoveAsync("credit"));
        Assert.Empty(await Store.ListAsync());
    }

    [Fact]
    public async Task Entries_SurviveARestart()
    {
        await Store.UpsertAsync(new ServedModelEntry("credit", "models:/credit/Production"));
        await Store.UpsertAsync(new ServedModelEntry("gone", "models:/gone/1"));
        await Store.RemoveAsync("gone");

        var reopened = await ReopenStoreAsync();

        var entry = Assert.Single(await reopened.ListAsync());
        Assert.Equal(("credit", "models:/credit/Production", true), (entry.Name, entry.ModelUri, entry.Follows));
    }

    [Theory]
    [InlineData("", "models:/m/1", "name:")]
    [InlineData("a/b", "models:/m/1", "name:")]
    [InlineData("ok", "runs:/abc/model", "model_uri:")]
    [InlineData("ok", "models:/m", "model_uri:")]
    public async Task Upsert_RefusesABadNameOrUri_AndStoresNothing(string name, string uri, string problem)
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => Store.UpsertAsync(new ServedModelEntry(name, uri)));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAsync());
    }
}
