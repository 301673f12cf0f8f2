using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Core.Validation;

/// <summary>MLflow's limits for log-inputs (mlflow/utils/validation.py _validate_dataset_inputs).</summary>
public static class DatasetValidator
{
    /// <summary>Checks every dataset input and reports every problem at once.</summary>
    public static void Validate(IReadOnlyList<DatasetInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var d = inputs[i].Dataset;
            if (d is null)
            {
                errors.Add($"datasets[{i}].dataset is required.");
                continue;
            }

            Check(errors, d.Name, $"datasets[{i}].dataset.name", TrackingLimits.MaxDatasetNameLength, required: true);
            Check(errors, d.Digest, $"datasets[{i}].dataset.digest", TrackingLimits.MaxDatasetDigestLength, required: true);
            Check(errors, d.SourceType, $"datasets[{i}].dataset.source_type", TrackingLimits.MaxDatasetNameLength, required: true);
            Check(errors, d.Source, $"datasets[{i}].dataset.source", TrackingLimits.MaxDatasetSourceLength, required: true);
            Check(errors, d.Schema, $"datasets[{i}].dataset.schema", TrackingLimits.MaxDatasetSchemaLength, required: false);
            Check(errors, d.Profile, $"datasets[{i}].dataset.profile", TrackingLimits.MaxDatasetProfileLength, required: false);
            foreach (var tag in inputs[i].Tags ?? [])
            {
                Check(errors, tag.Key, $"datasets[{i}].tags[].key", TrackingLimits.MaxInputTagKeyLength, required: true);
                Check(errors, tag.Value, $"datasets[{i}].tags[].value", TrackingLimits.MaxInputTagValueLength, required: true);
            }
        }

        if (errors.Count > 0)
        {
            throw KeelException.InvalidParameter(string.Join(" ", errors));
        }
    }

    private static void Check(List<string> errors, string? value, string field, int max, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add($"Missing value for required parameter '{field}'.");
            }
        }
        else if (value.Length > max)
        {
            errors.Add($"'{field}' had length {value.Length}, which exceeded length limit of {max}.");
        }
    }
}
