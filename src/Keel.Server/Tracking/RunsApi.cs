namespace Keel.Server.Tracking;

internal static class RunsApi
{
    public static void MapRunsApi(this IEndpointRouteBuilder app) => ArgumentNullException.ThrowIfNull(app);
}
