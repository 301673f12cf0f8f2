using Keel.Core.Errors;

namespace Keel.Core.Auth;

/// <summary>
/// Keel's own kinds of resource that users get levels on, next to MLflow's experiments and
/// registered models (docs/auth.md, "Keel's resources").
/// </summary>
public enum ResourceKind
{
    /// <summary>A deployment, by its name: its changes, its history and report, its scoring route.</summary>
    Deployment,

    /// <summary>A served model, by its serving name: loading, reloading, scoring it, and its prediction log.</summary>
    ServedModel,

    /// <summary>A monitor, by the model it monitors: its spec, its windows, status and alerts.</summary>
    Monitor,
}

/// <summary>What one user may do with one of Keel's resources.</summary>
/// <param name="Kind">The kind of resource.</param>
/// <param name="Name">The deployment name, serving name, or monitored model.</param>
/// <param name="UserId">The user.</param>
/// <param name="Permission">The level.</param>
public sealed record ResourcePermission(ResourceKind Kind, string Name, long UserId, Permission Permission);

/// <summary>Names of <see cref="ResourceKind"/> on the wire and in the API's paths.</summary>
public static class ResourceKinds
{
    /// <summary>Every kind.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [ResourceKind.Deployment, ResourceKind.ServedModel, ResourceKind.Monitor];

    /// <summary>The kind's name in JSON (<c>deployment</c>, <c>served_model</c>, <c>monitor</c>).</summary>
    public static string ToWireName(this ResourceKind kind) => kind switch
    {
        ResourceKind.Deployment => "deployment",
        ResourceKind.ServedModel => "served_model",
        _ => "monitor",
    };

    /// <summary>The kind's segment in API paths (<c>deployments</c>, <c>served-models</c>, <c>monitors</c>).</summary>
    public static string ToPathSegment(this ResourceKind kind) => kind switch
    {
        ResourceKind.Deployment => "deployments",
        ResourceKind.ServedModel => "served-models",
        _ => "monitors",
    };

    /// <summary>How the docs and messages name the kind.</summary>
    public static string Noun(this ResourceKind kind) => kind switch
    {
        ResourceKind.Deployment => "deployment",
        ResourceKind.ServedModel => "served model",
        _ => "monitor",
    };

    /// <summary>Parses a wire name.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE.</exception>
    public static ResourceKind Parse(string? value) => value switch
    {
        "deployment" => ResourceKind.Deployment,
        "served_model" => ResourceKind.ServedModel,
        "monitor" => ResourceKind.Monitor,
        _ => throw KeelException.InvalidParameter("Invalid resource kind; valid kinds are 'deployment', 'served_model' and 'monitor'."),
    };
}
