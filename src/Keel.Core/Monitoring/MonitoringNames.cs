using Keel.Core.Registry;

namespace Keel.Core.Monitoring;

/// <summary>
/// The one check of a model name given to monitoring (every <c>/api/2.0/keel/monitoring/...</c>
/// endpoint, <c>keel monitor</c> on a local store, the runner): a registered model's name or the
/// name a model is served under, which follow the same rule (one URL path segment, usable in a
/// <c>models:/</c> URI, no control characters). A bad name is INVALID_PARAMETER_VALUE (400) before
/// any lookup, so no endpoint answers 404 for a name no model could have.
/// </summary>
public static class MonitoringNames
{
    /// <summary>The checked model name.</summary>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE when missing or not a possible model name.</exception>
    public static string Model(string? model, string field = "model") => RegistryValidator.ModelName(model, field);
}
