namespace Keel.Server.Tracking;

/// <summary>MLflow's tracking endpoints.</summary>
internal static class TrackingApi
{
    public static void MapTrackingApi(this IEndpointRouteBuilder app)
    {
        app.MapExperimentsApi();
        app.MapRunsApi();
    }
}
