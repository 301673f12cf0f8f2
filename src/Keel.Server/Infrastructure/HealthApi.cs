namespace Keel.Server.Infrastructure;

internal static class HealthApi
{
    /// <summary>The version every /version answer reports.</summary>
    public static string Version { get; } =
        typeof(HealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Text("OK"));
        app.MapGet("/version", () => TypedResults.Text(Version));
    }
}
