using Keel.ML.Pipeline;

namespace Keel.ML.Running;

/// <summary>Options of <see cref="TrainingRunner.RunAsync(TrainingRunOptions, CancellationToken)"/>.</summary>
public sealed class TrainingRunOptions
{
    /// <summary>The parsed pipeline. Required.</summary>
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>Where the package, plot and metrics go (created when missing). Required.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The run id recorded as the model id.</summary>
    /// <value>A new random 32-hex id.</value>
    public string RunId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>Who trains (the package's <c>created_by</c>).</summary>
    /// <value><c>keel-train</c>.</value>
    public string CreatedBy { get; init; } = "keel-train";

    /// <summary>Whether to compute permutation importance (one scoring pass per input column).</summary>
    /// <value>True.</value>
    public bool ComputeImportance { get; init; } = true;

    /// <summary>
    /// Receives each phase as it starts: <c>hashing</c>, <c>loading</c>, <c>splitting</c>,
    /// <c>featurising and training</c> (or a sweep), <c>evaluating</c>, <c>importance</c>, <c>packaging</c>;
    /// each message is a short sentence naming the phase. Called on the runner's thread.
    /// </summary>
    /// <value>Null: no reports.</value>
    public IProgress<string>? Progress { get; init; }
}
