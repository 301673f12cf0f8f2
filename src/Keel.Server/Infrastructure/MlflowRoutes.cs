namespace Keel.Server.Infrastructure;

/// <summary>Maps an endpoint under both of MLflow's prefixes: /api/2.0/mlflow and /ajax-api/2.0/mlflow.</summary>
internal static class MlflowRoutes
{
    public static readonly string[] Prefixes = ["/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/"];

    public static void MapMlflow(this IEndpointRouteBuilder app, string method, string path, Delegate handler)
    {
        foreach (var prefix in Prefixes)
        {
            app.MapMethods(prefix + path, [method], handler);
        }
    }

    public static void MapMlflowGet(this IEndpointRouteBuilder app, string path, Delegate handler) => app.MapMlflow("GET", path, handler);

    public static void MapMlflowPost(this IEndpointRouteBuilder app, string path, Delegate handler) => app.MapMlflow("POST", path, handler);
}
