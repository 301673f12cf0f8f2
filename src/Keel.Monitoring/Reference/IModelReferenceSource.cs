using Keel.Data;

namespace Keel.Monitoring.Reference;

/// <summary>
/// The reference a model version's live traffic is compared with: a sample of the inputs (and the
/// predictions) it was trained on, kept in the model package by training or set later by
/// <c>keel monitor baseline</c>. Input drift (deployment gates, monitors) reads it here.
/// </summary>
public interface IModelReferenceSource
{
    /// <summary>The version's reference sample, or null when the version has none.</summary>
    /// <exception cref="Core.Errors.KeelException">RESOURCE_DOES_NOT_EXIST when the version does not exist.</exception>
    Task<ModelReference?> GetAsync(string model, string version, CancellationToken cancellationToken = default);
}

/// <summary>A version's reference sample.</summary>
/// <param name="Inputs">The input columns, by the model's signature names, one row per sampled training row.</param>
/// <param name="Predictions">The model's predictions for the same rows (a score or label column named <c>prediction</c>, and <c>probability</c> for classifiers); null when not kept.</param>
/// <param name="Source">Where the sample came from (<c>training</c>, or the file <c>keel monitor baseline</c> read).</param>
public sealed record ModelReference(DataTable Inputs, DataTable? Predictions, string Source)
{
    /// <summary>The labelled calibration reference kept beside the sample (classifiers trained with held-out splits, or a baseline set from labelled data); null when none.</summary>
    /// <value>Null.</value>
    public LabelledReference? Labelled { get; init; }
}
