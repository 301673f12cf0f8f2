using System.Globalization;
using System.Runtime.CompilerServices;
using Keel.Client;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// What the commands ask of the store interfaces beyond one call: every page of a search, a
/// model's versions, who held a stage at a moment, a version's lineage. Written once over the
/// interfaces, so a server and a local store answer through the same code.
/// </summary>
internal static class StoreQueries
{
    /// <summary>Every experiment the query matches, page after page.</summary>
    public static IAsyncEnumerable<Experiment> SearchAllExperimentsAsync(this ITrackingStore store, ExperimentSearchQuery query, CancellationToken cancellationToken) =>
        AllPagesAsync((token, ct) => store.SearchExperimentsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);

    /// <summary>Every run the query matches, page after page.</summary>
    public static IAsyncEnumerable<Run> SearchAllRunsAsync(this ITrackingStore store, RunSearchQuery query, CancellationToken cancellationToken) =>
        AllPagesAsync((token, ct) => store.SearchRunsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);

    /// <summary>Every registered model the filter matches, page after page.</summary>
    public static IAsyncEnumerable<RegisteredModel> SearchAllRegisteredModelsAsync(this IRegistryStore store, string? filter, IReadOnlyList<string>? orderBy, int pageSize, CancellationToken cancellationToken) =>
        AllPagesAsync((token, ct) => store.SearchRegisteredModelsAsync(filter, pageSize, orderBy, token, ct), cancellationToken);

    /// <summary>The audit trail the query selects, oldest first, page after page.</summary>
    public static IAsyncEnumerable<RegistryEvent> ListAllEventsAsync(this IRegistryStore store, RegistryEventQuery query, CancellationToken cancellationToken) =>
        AllPagesAsync((token, ct) => store.ListEventsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);

    /// <summary>A model's versions, by number.</summary>
    public static async Task<IReadOnlyList<ModelVersion>> ListModelVersionsAsync(this IRegistryStore store, string name, CancellationToken cancellationToken)
    {
        var versions = await AllPagesAsync((token, ct) => store.SearchModelVersionsAsync(KeelClient.NameFilter(name), 1000, null, token, ct), cancellationToken)
            .Where(v => v.Name == name)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return versions.OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>Which versions held <paramref name="stage"/>, or which one <paramref name="alias"/> pointed at, at <paramref name="timestamp"/>.</summary>
    /// <remarks>With the move that put each version there, and who approved it (<see cref="Core.Approvals.ApprovalHistory"/>): the server's answer, or the same built on the local store.</remarks>
    public static async Task<HeldAtResponse> HeldAtAsync(this IRegistryStore store, string name, string? stage, string? alias, long timestamp, CancellationToken cancellationToken)
    {
        if (store is KeelClient client)
        {
            return await client.HeldAtAsync(name, stage, alias, timestamp, cancellationToken).ConfigureAwait(false);
        }

        var versions = stage is not null
            ? await store.VersionsInStageAtAsync(name, stage, timestamp, cancellationToken).ConfigureAwait(false)
            : (await store.AliasTargetAtAsync(name, alias!, timestamp, cancellationToken).ConfigureAwait(false)) is { } v ? [v] : [];
        var moves = await Core.Approvals.ApprovalHistory.MovesAsync(store, store as Core.Approvals.IApprovalStore, name, stage, alias, timestamp, versions, cancellationToken).ConfigureAwait(false);
        return new HeldAtResponse(name, stage, alias, timestamp, versions, moves);
    }

    /// <summary>A version with its lineage as recorded at registration (null lineage when none was).</summary>
    public static async Task<LineageResponse> GetVersionLineageAsync(this IRegistryStore store, string name, string version, CancellationToken cancellationToken)
    {
        var mv = await store.GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        var lineage = await store.GetLineageAsync(name, version, cancellationToken).ConfigureAwait(false);
        return new LineageResponse(mv, lineage);
    }

    private static async IAsyncEnumerable<T> AllPagesAsync<T>(Func<string?, CancellationToken, Task<PagedResult<T>>> page, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var result = await page(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                yield return item;
            }

            token = result.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
    }
}
