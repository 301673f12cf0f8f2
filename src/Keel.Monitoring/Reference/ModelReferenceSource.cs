using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Json;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.Data;

namespace Keel.Monitoring.Reference;

/// <summary>
/// The reference of a model version: the baseline <c>keel monitor baseline</c> set (the version's
/// <see cref="ReferenceSampleFiles.BaselineTag"/>) when there is one, else the sample training
/// kept in the package, else none. Reads from the artifact store; the model itself is not loaded.
/// </summary>
public sealed class ModelReferenceSource : IModelReferenceSource
{
    /// <summary>The <see cref="ModelReference.Source"/> of a package's training sample.</summary>
    public const string TrainingSource = "training";

    private readonly IRegistryStore _registry;
    private readonly ModelVersionFiles _files;

    /// <summary>Creates the source over the stores a server or the CLI opened.</summary>
    public ModelReferenceSource(IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _files = new ModelVersionFiles(tracking, artifacts);
    }

    /// <inheritdoc />
    public async Task<ModelReference?> GetAsync(string model, string version, CancellationToken cancellationToken = default) =>
        (await GetContextAsync(model, version, cancellationToken).ConfigureAwait(false)).Reference;

    /// <summary>
    /// What monitoring needs of a version besides its traffic: the signature, the reference (or null)
    /// and the training data profile (or null for packages written before it).
    /// </summary>
    /// <exception cref="Keel.Core.Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown version; INVALID_PARAMETER_VALUE for a package that is not Keel's or files that are malformed.</exception>
    public async Task<MonitoredVersion> GetContextAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var entity = await _registry.GetModelVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        var package = await _files.PackagePathAsync(entity, cancellationToken).ConfigureAwait(false);
        var metadata = await _files.MetadataAsync(entity, package, cancellationToken).ConfigureAwait(false);
        var profile = await ProfileAsync(package, cancellationToken).ConfigureAwait(false);
        var reference = await BaselineAsync(entity, metadata.Signature, cancellationToken).ConfigureAwait(false)
            ?? await SampleAsync(package + "/" + ReferenceSampleFiles.Inputs, package + "/" + ReferenceSampleFiles.Predictions, package + "/" + ReferenceSampleFiles.Labelled, metadata.Signature, TrainingSource, cancellationToken).ConfigureAwait(false);
        return new MonitoredVersion(entity, metadata, reference, profile);
    }

    private async Task<ModelReference?> BaselineAsync(ModelVersion version, ModelSignature signature, CancellationToken cancellationToken)
    {
        var tag = version.Tags.FirstOrDefault(t => t.Key == ReferenceSampleFiles.BaselineTag);
        if (tag is null)
        {
            return null;
        }

        // The tag is a plain registry tag anyone with edit rights can set: it is read only inside the store.
        var inputs = StoreLocation.ToStorePath(tag.Value, _files.Artifacts.RootUri, $"The baseline of model version '{version.Name}' {version.Version}");
        var folder = inputs.Contains('/', StringComparison.Ordinal) ? inputs[..inputs.LastIndexOf('/')] : string.Empty;
        var info = await _files.ReadAsync(folder + "/" + ModelBaselines.InfoFileName, 1 << 20, cancellationToken).ConfigureAwait(false);
        var source = info is null ? tag.Value : BaselineInfo.Parse(info).Source;
        return await SampleAsync(inputs, folder + "/" + ModelBaselines.PredictionsFileName, folder + "/" + ModelBaselines.LabelledFileName, signature, source, cancellationToken).ConfigureAwait(false)
            ?? throw Core.Errors.KeelException.InvalidParameter($"The baseline of model version {version.Name}/{version.Version} ('{tag.Value}') has no file in the artifact store; set it again with keel monitor baseline.");
    }

    private async Task<ModelReference?> SampleAsync(string inputsPath, string predictionsPath, string labelledPath, ModelSignature signature, string source, CancellationToken cancellationToken)
    {
        var inputs = await _files.ReadAsync(inputsPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (inputs is null)
        {
            return null;
        }

        var table = await ReferenceTables.ReadAsync(inputs, ReferenceTables.InputKinds(signature), cancellationToken: cancellationToken).ConfigureAwait(false);
        var predictionBytes = await _files.ReadAsync(predictionsPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        DataTable? predictions = predictionBytes is null
            ? null
            : await ReferenceTables.ReadAsync(predictionBytes, ReferenceTables.PredictionKinds(signature), cancellationToken: cancellationToken).ConfigureAwait(false);
        var labelledBytes = await _files.ReadAsync(labelledPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        var labelled = labelledBytes is null
            ? null
            : LabelledReference.From(await ReferenceTables.ReadAsync(labelledBytes, LabelledReference.Kinds, cancellationToken: cancellationToken).ConfigureAwait(false), labelledPath);
        return new ModelReference(table, predictions, source) { Labelled = labelled };
    }

    private async Task<DataProfile?> ProfileAsync(string package, CancellationToken cancellationToken)
    {
        var bytes = await _files.ReadAsync(package + "/data_profile.json", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DataProfile>(bytes, KeelJson.Options);
        }
        catch (JsonException error)
        {
            throw Core.Errors.KeelException.InvalidParameter($"Invalid model package: data_profile.json: {error.Message}");
        }
    }
}

/// <summary>A version as monitoring sees it.</summary>
/// <param name="Version">The registry entry.</param>
/// <param name="Metadata">Its <c>keel-model.json</c> (signature, task outputs, metrics).</param>
/// <param name="Reference">Its reference sample, or null.</param>
/// <param name="TrainingProfile">The training split's profile (<c>data_profile.json</c>), or null.</param>
public sealed record MonitoredVersion(ModelVersion Version, ModelMetadata Metadata, ModelReference? Reference, DataProfile? TrainingProfile);
