using Keel.ML.Pipeline;

namespace Keel.ML.Workflows;

/// <summary>What one <see cref="TrainSession"/> trains, and how.</summary>
public sealed class TrainOptions
{
    /// <summary>The parsed pipeline file (<see cref="PipelineParser"/>).</summary>
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>Where the runner writes the package, plot and metrics; kept afterwards.</summary>
    /// <value>null: a temporary folder, deleted when the session ends.</value>
    public string? OutputDirectory { get; init; }

    /// <summary>Whether to register the model (when the pipeline has a <c>registration</c> section).</summary>
    /// <value>true.</value>
    public bool Register { get; init; } = true;

    /// <summary>The user the run and the registry changes are recorded under.</summary>
    /// <value><c>keel</c>.</value>
    public string User { get; init; } = "keel";

    /// <summary>The comment of the registry changes in the audit trail, e.g. <c>keel train pipeline.yaml</c>.</summary>
    /// <value>null: <c>train &lt;pipeline name&gt;</c>.</value>
    public string? Comment { get; init; }

    /// <summary>The clock for run times and the logged model's creation time.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called with the run id as soon as the tracking run exists (before training), so a caller can say which run is under way.</summary>
    /// <value>null.</value>
    public Action<string>? RunCreated { get; init; }
}
