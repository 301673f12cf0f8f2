namespace Keel.Server.Tracking;

internal static class ExperimentsApi
{
    public static void MapExperimentsApi(this IEndpointRouteBuilder app) => ArgumentNullException.ThrowIfNull(app);
}
