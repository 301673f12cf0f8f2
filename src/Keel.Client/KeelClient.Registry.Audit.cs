using System.Globalization;
using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Registry;

namespace Keel.Client;

// Keel's registry additions under /api/2.0/keel/registry: audit trail, held-at, rollback, lineage, resolve.
public sealed partial class KeelClient
{
    /// <summary>A version's lineage as recorded when it was created; null when nothing was recorded.</summary>
    public async Task<ModelLineage?> GetLineageAsync(string name, string version, CancellationToken cancellationToken = default) =>
        (await GetVersionLineageAsync(name, version, cancellationToken).ConfigureAwait(false)).Lineage;

    /// <summary>A version together with its lineage (data → run → version), in one call.</summary>
    public Task<LineageResponse> GetVersionLineageAsync(string name, string version, CancellationToken cancellationToken = default) =>
        GetRegistryJsonAsync<LineageResponse>(KeelPath("lineage"), QueryString.Of("name", name).Add("version", version), cancellationToken);

    /// <summary>One page of the audit trail, oldest first.</summary>
    public async Task<PagedResult<RegistryEvent>> ListEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var qs = QueryString.Of("name", query.Name)
            .Add("version", query.Version)
            .Add("from", query.From)
            .Add("to", query.To)
            .Add("max_results", query.MaxResults)
            .Add("page_token", query.PageToken);
        var response = await GetRegistryJsonAsync<RegistryEventsResponse>(KeelPath("events"), qs, cancellationToken).ConfigureAwait(false);
        return new PagedResult<RegistryEvent>(response.Events ?? [], EmptyToNull(response.NextPageToken));
    }

    /// <summary>Every event matching the query, oldest first, fetching page after page as it is enumerated.</summary>
    public IAsyncEnumerable<RegistryEvent> ListAllEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return AllPagesAsync((token, ct) => ListEventsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);
    }

    /// <summary>The versions that held a stage (either spelling) at <paramref name="timestamp"/> (Unix ms), from the audit trail.</summary>
    public async Task<IReadOnlyList<string>> VersionsInStageAtAsync(string name, string stage, long timestamp, CancellationToken cancellationToken = default) =>
        (await HeldAtAsync(name, stage, null, timestamp, cancellationToken).ConfigureAwait(false)).Versions;

    /// <summary>The version an alias pointed at at <paramref name="timestamp"/> (Unix ms); null when it pointed nowhere.</summary>
    public async Task<string?> AliasTargetAtAsync(string name, string alias, long timestamp, CancellationToken cancellationToken = default) =>
        (await HeldAtAsync(name, null, alias, timestamp, cancellationToken).ConfigureAwait(false)).Versions.FirstOrDefault();

    /// <summary>Who held a stage or (exclusively) an alias at a moment: the server's whole answer.</summary>
    public Task<HeldAtResponse> HeldAtAsync(string name, string? stage, string? alias, long timestamp, CancellationToken cancellationToken = default) =>
        GetRegistryJsonAsync<HeldAtResponse>(
            KeelPath("held-at"),
            QueryString.Of("name", name).Add("stage", stage).Add("alias", alias).Add("at", timestamp.ToString(CultureInfo.InvariantCulture)),
            cancellationToken);

    /// <summary>Moves Staging or Production back to the version that held it before (the current holders go to Archived).</summary>
    public async Task<ModelVersion> RollbackStageAsync(string name, string stage, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var response = await SendRegistryJsonAsync<RollbackResponse>(
            HttpMethod.Post, KeelPath("rollback"), new RollbackRequest(name, Stage: stage, Comment: actor.Comment), actor, commentInBody: true, cancellationToken).ConfigureAwait(false);
        return response.ModelVersion
            ?? throw new Core.Errors.KeelException(Core.Errors.ErrorCode.InternalError, "The server answered a stage rollback without a model version.");
    }

    /// <summary>Points an alias back at its previous version; null when the rollback removed the alias (it had no earlier target).</summary>
    public async Task<ModelVersion?> RollbackAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var response = await SendRegistryJsonAsync<RollbackResponse>(
            HttpMethod.Post, KeelPath("rollback"), new RollbackRequest(name, Alias: alias, Comment: actor.Comment), actor, commentInBody: true, cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>
    /// The version a <c>models:/</c> URI names (<c>models:/name/3</c>, <c>models:/name@champion</c>,
    /// <c>models:/name/Production</c>, <c>models:/name/latest</c>), resolved by the server in one call.
    /// </summary>
    public async Task<ModelVersion> ResolveAsync(string modelUri, CancellationToken cancellationToken = default)
    {
        var response = await GetRegistryJsonAsync<ModelVersionResponse>(KeelPath("resolve"), QueryString.Of("uri", modelUri), cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }
}
