using System.Text.Json.Nodes;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Storage;

namespace Keel.Server.Infrastructure;

/// <summary>
/// <c>GET /health</c>: <c>OK</c> (200, text) while every store can write; while a store's disk is
/// full, 503 with MLflow-style error JSON (<c>INSUFFICIENT_STORAGE</c>) naming the stores that
/// cannot write, so a load balancer stops sending writes to this replica. Reads keep working
/// meanwhile. It answers OK again once a write of that store succeeds, or once its disk has
/// <see cref="RecoveryFreeBytes"/> free again (checked at each call, so a replica taken out of
/// rotation comes back without needing a write). <c>GET /version</c>: the Keel version.
/// </summary>
internal static class HealthApi
{
    /// <summary>Free space on a full store's disk at which <c>/health</c> reports it healthy again: 1 MiB.</summary>
    public const long RecoveryFreeBytes = 1 << 20;

    /// <summary>The version every /version answer reports.</summary>
    public static string Version { get; } =
        typeof(HealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (HttpContext context) => Health(context.RequestServices.GetService<StorageHealth>()));
        app.MapGet("/version", () => TypedResults.Text(Version));
    }

    private static IResult Health(StorageHealth? storage)
    {
        if (storage is null || storage.IsHealthy)
        {
            return TypedResults.Text("OK");
        }

        foreach (var problem in storage.Problems)
        {
            if (FreeBytes(problem.Path) >= RecoveryFreeBytes)
            {
                storage.ReportWritten(problem.Store);
            }
        }

        var problems = storage.Problems;
        if (problems.Count == 0)
        {
            return TypedResults.Text("OK");
        }

        var stores = string.Join(" and ", problems.Select(p => p.Store == StorageHealth.Artifacts ? "the artifact store" : "the database"));
        var body = new JsonObject
        {
            ["error_code"] = ErrorCode.InsufficientStorage.ToWireName(),
            ["message"] = $"Degraded: the disk holding {stores} is full; writes there fail with 507 until space is freed. Reads still work.",
            ["status"] = "degraded",
            ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject
            {
                ["store"] = p.Store,
                ["error_code"] = ErrorCode.InsufficientStorage.ToWireName(),
                ["since"] = p.Since.ToUnixTimeMilliseconds(),
            })]),
        };
        return Results.Content(body.ToJsonString(KeelJson.Options), "application/json", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Free bytes for unprivileged users on the disk holding <paramref name="path"/> (a file or folder); -1 when unknown.</summary>
    private static long FreeBytes(string path)
    {
        try
        {
            var folder = path;
            while (!Directory.Exists(folder))
            {
                folder = Path.GetDirectoryName(folder);
                if (string.IsNullOrEmpty(folder))
                {
                    return -1;
                }
            }

            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return -1;
        }
    }
}
