namespace Keel.Core.Models;

/// <summary>
/// A model version's lifecycle stage, by Keel's names (the specification's <c>ModelStage</c>).
/// On MLflow's REST API they travel as <c>None</c>, <c>Staging</c>, <c>Production</c> and
/// <c>Archived</c>; <see cref="Registry.ModelStages"/> converts between the two spellings.
/// </summary>
public enum ModelStage
{
    /// <summary>Not yet promoted (<c>development</c>; MLflow's <c>None</c>). The default.</summary>
    Development,

    /// <summary>Being validated before production (<c>staging</c>).</summary>
    Staging,

    /// <summary>Serving production traffic (<c>production</c>).</summary>
    Production,

    /// <summary>Retired; kept for lineage and rollback (<c>archived</c>).</summary>
    Archived,
}
