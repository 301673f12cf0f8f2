namespace Keel.Core.Search;

/// <summary>
/// Canonical keys of the model registry searches (MLflow's <c>SearchModelUtils</c> and
/// <c>SearchModelVersionUtils</c>), as the parser produces them.
/// </summary>
public static class RegistrySearchKeys
{
    /// <summary>The registered model name (both searches).</summary>
    public const string Name = "name";

    /// <summary>Last update time in milliseconds; for registered models also spelled <c>timestamp</c> in order_by.</summary>
    public const string LastUpdatedTimestamp = "last_updated_timestamp";

    /// <summary>MLflow's recommended order_by alias of <see cref="LastUpdatedTimestamp"/> for registered models.</summary>
    public const string Timestamp = "timestamp";

    /// <summary>Model version creation time in milliseconds (order_by only).</summary>
    public const string CreationTimestamp = "creation_timestamp";

    /// <summary>The version number, compared as an integer.</summary>
    public const string VersionNumber = "version_number";

    /// <summary>The run that produced the version; the only key that accepts <c>IN</c>.</summary>
    public const string RunId = "run_id";

    /// <summary>The version's source URI (the <c>source</c> field).</summary>
    public const string SourcePath = "source_path";
}
