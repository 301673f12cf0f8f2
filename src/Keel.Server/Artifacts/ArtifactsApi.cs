using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Protocol;
using Keel.Server.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keel.Server.Artifacts;

/// <summary>
/// MLflow's artifact proxy (<c>mlflow server --serve-artifacts</c>): download, upload, list and
/// delete under the artifact root, at <c>/api/2.0/mlflow-artifacts/artifacts</c> and its
/// <c>/ajax-api</c> twin; plus the run listing <c>artifacts/list</c> (<see cref="RunArtifactsApi"/>).
/// </summary>
internal static class ArtifactsApi
{
    /// <summary>
    /// MLflow's client falls back to a single PUT when the answer to <c>mpu/create</c> starts with exactly
    /// this text (<c>_UnsupportedMultipartUploadException.MESSAGE</c>).
    /// </summary>
    internal const string MultipartUnsupportedMessage = "Multipart upload is not supported for the current artifact repository";

    private static readonly string[] MultipartSteps = ["create", "complete", "abort"];

    public static void MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new ArtifactsOptions();
        app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(ArtifactsOptions.SectionName).Bind(options);
        options.Validate();

        if (app is IApplicationBuilder pipeline)
        {
            pipeline.UseArtifactPathGuard();
        }

        foreach (var prefix in ArtifactRequestPath.ProxyPrefixes)
        {
            app.MapGet(prefix + "/artifacts", ListAsync);
            app.MapMethods(prefix + "/artifacts/{**path}", ["GET", "HEAD"], DownloadAsync);
            app.MapPut(prefix + "/artifacts/{**path}", (HttpContext context, IArtifactStore store) => UploadAsync(context, store, options))
                .WithMetadata(RequestBodies.StreamedBody);
            app.MapDelete(prefix + "/artifacts/{**path}", DeleteAsync);
            app.MapMethods(prefix + "/artifacts/{**path}", ["POST", "PATCH"], MethodNotAllowedAsync);
            foreach (var step in MultipartSteps)
            {
                app.MapPost(prefix + "/mpu/" + step + "/{**path}", MultipartNotSupported);
            }
        }

        app.MapRunArtifactsApi();
    }

    /// <summary><c>GET .../mlflow-artifacts/artifacts?path=</c>: direct children of <c>path</c>, by base name.</summary>
    private static async Task<JsonHttpResult<ListProxiedArtifactsResponse>> ListAsync(HttpContext context, IArtifactStore store)
    {
        var path = ArtifactPath.Normalize(context.Request.Query("path"));
        var entries = await store.ListAsync(path, context.RequestAborted).ConfigureAwait(false);
        var files = new List<Core.Protocol.FileInfo>(entries.Count);
        foreach (var entry in entries)
        {
            files.Add(entry with { Path = ArtifactPath.FileName(entry.Path) });
        }

        return Json.Ok(new ListProxiedArtifactsResponse(files));
    }

    /// <summary><c>GET .../mlflow-artifacts/artifacts/&lt;path&gt;</c>: the file, as an attachment (HEAD: its headers).</summary>
    private static async Task<FileStreamHttpResult> DownloadAsync(HttpContext context, IArtifactStore store)
    {
        var path = ArtifactRequestPath.FromProxyUrl(context, required: true);
        var stream = await store.OpenReadAsync(path, context.RequestAborted).ConfigureAwait(false);
        var fileName = ArtifactPath.FileName(path);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(stream, ArtifactContentTypes.For(fileName), fileName, enableRangeProcessing: stream.CanSeek);
    }

    /// <summary><c>PUT .../mlflow-artifacts/artifacts/&lt;path&gt;</c>: stores the raw body, atomically.</summary>
    private static async Task<JsonHttpResult<EmptyResponse>> UploadAsync(HttpContext context, IArtifactStore store, ArtifactsOptions options)
    {
        var path = ArtifactRequestPath.FromProxyUrl(context, required: true);
        if (context.Request.ContentLength > options.MaxUploadBytes)
        {
            throw options.TooLarge();
        }

        // The limit below replaces Kestrel's 30 MB default, which would cut large artifacts short.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        var body = new LengthLimitedStream(context.Request.Body, options.MaxUploadBytes, options.TooLarge);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                await store.WriteAsync(path, body, context.RequestAborted).ConfigureAwait(false);
            }
            catch (IOException e) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away mid-upload: nothing was stored and nobody is left to answer.
                throw new OperationCanceledException("The client aborted the upload.", e, context.RequestAborted);
            }
        }

        return Json.Empty();
    }

    /// <summary><c>POST .../mlflow-artifacts/mpu/{create,complete,abort}/&lt;path&gt;</c>: NOT_IMPLEMENTED (501).</summary>
    private static IResult MultipartNotSupported() =>
        throw new KeelException(ErrorCode.NotImplemented, MultipartUnsupportedMessage + ". Upload each file with one PUT to /api/2.0/mlflow-artifacts/artifacts/<path>.");

    /// <summary>Other methods get a JSON 405 rather than routing's empty one.</summary>
    private static Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.Headers.Allow = "GET, HEAD, PUT, DELETE";
        return ErrorHandling.WriteAsync(context, ErrorCode.EndpointNotFound, $"The artifact proxy does not support {context.Request.Method}; use GET, PUT or DELETE.", StatusCodes.Status405MethodNotAllowed);
    }

    /// <summary><c>DELETE .../mlflow-artifacts/artifacts/&lt;path&gt;</c>: removes a file or a folder tree.</summary>
    private static async Task<JsonHttpResult<EmptyResponse>> DeleteAsync(HttpContext context, IArtifactStore store)
    {
        var path = ArtifactRequestPath.FromProxyUrl(context, required: true);
        await store.DeleteAsync(path, context.RequestAborted).ConfigureAwait(false);
        return Json.Empty();
    }
}
