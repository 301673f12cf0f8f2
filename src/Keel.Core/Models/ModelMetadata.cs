using System.Reflection;

namespace Keel.Core.Models;

/// <summary>
/// The descriptor of a Keel model package (<c>keel-model.json</c>): every field of the
/// specification's <c>ModelMetadata</c>, plus the signature and the format and Keel versions.
/// See <c>docs/model-package.md</c> for the JSON form.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The only package format version this Keel reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The package format version.</summary>
    /// <value><see cref="CurrentFormatVersion"/>.</value>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The version of Keel that wrote the package.</summary>
    /// <value>This assembly's informational version.</value>
    public string KeelVersion { get; init; } = CurrentKeelVersion;

    /// <summary>A unique id of this model build (the specification's <c>model_id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The model's name (the specification's <c>model_name</c>), e.g. the registered model name.</summary>
    public required string Name { get; init; }

    /// <summary>The model version, as text (e.g. the registry version <c>"3"</c>).</summary>
    public required string Version { get; init; }

    /// <summary>The training algorithm, e.g. <c>FastTree</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The framework that produced <c>model.zip</c>, e.g. <c>ML.NET</c>.</summary>
    public required string Framework { get; init; }

    /// <summary>When the model was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who created it (a user or service name).</summary>
    public required string CreatedBy { get; init; }

    /// <summary>The lifecycle stage when the package was written.</summary>
    /// <value><see cref="ModelStage.Development"/>.</value>
    public ModelStage Stage { get; init; } = ModelStage.Development;

    /// <summary>A hash of the training data (e.g. <c>sha256:...</c>), or null when unknown.</summary>
    public string? TrainingDataHash { get; init; }

    /// <summary>Training hyper-parameters: scalar values only.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ScalarValue> Hyperparameters { get; init; } = Empty<ScalarValue>();

    /// <summary>Metrics measured on the training data.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, double> TrainingMetrics { get; init; } = Empty<double>();

    /// <summary>Metrics measured on the validation data.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, double> ValidationMetrics { get; init; } = Empty<double>();

    /// <summary>Deployment settings (strategy, replicas ...): scalar values only.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ScalarValue> DeploymentConfig { get; init; } = Empty<ScalarValue>();

    /// <summary>Resources the model needs to serve (cpu, memory ...): scalar values only.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ScalarValue> ResourceRequirements { get; init; } = Empty<ScalarValue>();

    /// <summary>Packages the model needs, e.g. <c>Microsoft.ML 5.0.1</c>.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    /// <summary>Metric floors or ceilings monitoring checks the model against.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, double> PerformanceThresholds { get; init; } = Empty<double>();

    /// <summary>The training data's columns: name to type, from the fixed type set.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ColumnType> DataSchema { get; init; } = Empty<ColumnType>();

    /// <summary>The model's input and output columns.</summary>
    public required ModelSignature Signature { get; init; }

    /// <summary>The running Keel's version, written into new packages.</summary>
    public static string CurrentKeelVersion { get; } =
        typeof(ModelMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    private static Dictionary<string, T> Empty<T>() => new(StringComparer.Ordinal);
}
