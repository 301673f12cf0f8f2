using Keel.Core.Auth;

namespace Keel.Server.Auth;

/// <summary>Who may call an endpoint, by the kind of resource it touches.</summary>
internal enum RuleKind
{
    /// <summary>No authentication: health, version, the UI's static files, first-start setup.</summary>
    Public,

    /// <summary>Any signed-in user (creating experiments and models, own tokens, scoring, Keel's reads).</summary>
    Authenticated,

    /// <summary>Admins only (user management; Keel's deployment, monitoring and serving changes until their own resource kinds come).</summary>
    Admin,

    /// <summary>The user named in the request, or an admin (read a user, change a password).</summary>
    Self,

    /// <summary>A level on the experiment the request names (directly, by name, through a run or an artifact path).</summary>
    Experiment,

    /// <summary>A level on the registered model the request names.</summary>
    RegisteredModel,

    /// <summary>A level on one of Keel's own resources (<see cref="AuthRule.Resource"/>): a deployment, served model or monitor.</summary>
    Keel,
}

/// <summary>
/// One endpoint's permission rule: the kind of resource, the access needed, and how to find the
/// resource's id (or the user's name, for <see cref="RuleKind.Self"/>) in the request.
/// </summary>
/// <param name="Kind">What is checked.</param>
/// <param name="Access">The access needed (and what a <c>read</c>-scoped token may do: only <see cref="Access.Read"/>).</param>
/// <param name="Locate">Finds the resource's ids; null for kinds that need none.</param>
/// <param name="Describe">How the docs' table says where the id comes from.</param>
internal sealed record AuthRule(RuleKind Kind, Access Access, ResourceLocator? Locate = null, string Describe = "")
{
    /// <summary>What happens after a successful call (MLflow's after-request handlers), or null.</summary>
    public AfterRequest? After { get; init; }

    /// <summary>The kind of Keel resource, for <see cref="RuleKind.Keel"/>.</summary>
    public ResourceKind Resource { get; init; }

    /// <summary>
    /// For create-or-update endpoints (apply): a resource that does not exist yet may be created by
    /// any signed-in user (scope all), who then manages it; an existing one needs <see cref="Access"/>.
    /// </summary>
    public bool CreateIfAbsent { get; init; }

    /// <summary>A second check the request must pass too (deploying a model needs READ on the model), or null.</summary>
    public AuthRule? Also { get; init; }

    /// <summary>The route's name is a served model when one of that name is loaded, else a deployment (the Open Inference Protocol's routes).</summary>
    public bool ServedOrDeployment { get; init; }

    /// <summary>A scoring endpoint: the resource's scoring token, when it has any, is the credential (<see cref="ScoringGate"/>).</summary>
    public bool Scoring { get; init; }
}

/// <summary>Finds the ids of the resources a request touches (several for a search over experiments).</summary>
internal delegate ValueTask<IReadOnlyList<string>> ResourceLocator(AuthRequest request);

/// <summary>Runs after a successful request with its response JSON; returns a replacement body (a filtered search), or null to keep it.</summary>
internal delegate Task<byte[]?> AfterRequest(AuthRequest request, AuthUser user, System.Text.Json.JsonElement response);
