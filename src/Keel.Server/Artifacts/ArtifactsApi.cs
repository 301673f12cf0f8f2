namespace Keel.Server.Artifacts;

/// <summary>MLflow's artifact endpoints. (Being written in the artifacts work item.)</summary>
internal static class ArtifactsApi
{
    public static void MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
    }
}
