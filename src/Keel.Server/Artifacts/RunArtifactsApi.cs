using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Protocol;
using Keel.Core.Tracking;
using Keel.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keel.Server.Artifacts;

/// <summary>
/// <c>GET /api/2.0/mlflow/artifacts/list?run_id=&amp;path=&amp;page_token=</c>: the artifacts of a run,
/// with paths relative to the run's artifact URI (MLflow's <c>_list_artifacts</c>). Every entry is
/// returned in one page, as MLflow does for file-backed artifact roots, so <c>next_page_token</c> is
/// never set and <c>page_token</c> is accepted and ignored.
/// </summary>
internal static class RunArtifactsApi
{
    public static void MapRunArtifactsApi(this IEndpointRouteBuilder app) =>
        app.MapMlflowGet("artifacts/list", ListAsync);

    private static async Task<JsonHttpResult<ListArtifactsResponse>> ListAsync(HttpContext context, IArtifactStore store)
    {
        var request = context.Request;
        var runId = request.Query("run_id") is { Length: > 0 } id ? id : request.Query("run_uuid");
        if (string.IsNullOrEmpty(runId))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
        }

        var path = ArtifactPath.Normalize(request.Query("path"));
        var tracking = context.RequestServices.GetService<ITrackingStore>()
            ?? throw new KeelException(ErrorCode.TemporarilyUnavailable, "The tracking store is not available.");
        var run = await tracking.GetRunAsync(runId, context.RequestAborted).ConfigureAwait(false);
        var artifactUri = run.Info.ArtifactUri;
        var runRoot = RunRoot(artifactUri, store, runId);

        var entries = await store.ListAsync(ArtifactPath.Combine(runRoot, path), context.RequestAborted).ConfigureAwait(false);
        var files = new List<Core.Protocol.FileInfo>(entries.Count);
        foreach (var entry in entries)
        {
            files.Add(entry with { Path = ArtifactPath.Combine(path, ArtifactPath.FileName(entry.Path)) });
        }

        return Json.Ok(new ListArtifactsResponse(artifactUri, files));
    }

    /// <summary>The run's artifact folder relative to the store root; only locations this server serves.</summary>
    private static string RunRoot(string artifactUri, IArtifactStore store, string runId)
    {
        if (ArtifactUris.IsProxied(artifactUri))
        {
            return ArtifactUris.ToRelativePath(artifactUri);
        }

        var root = store.RootUri.TrimEnd('/');
        if (string.Equals(artifactUri.TrimEnd('/'), root, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        if (artifactUri.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return ArtifactPath.NormalizeEncoded(artifactUri[(root.Length + 1)..]);
        }

        // A path or URI outside the store (an experiment created with its own artifact_location).
        return StoreLocation.ToStorePath(artifactUri, store.RootUri, $"The artifacts of run '{runId}'");
    }
}
