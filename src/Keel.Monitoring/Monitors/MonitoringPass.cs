using Keel.Core.Data;
using Keel.Core.Predictions;
using Keel.Core.Validation.Gates;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// One monitoring pass over a window of a model version's prediction log: drift of every input
/// feature and of the predictions against the version's reference, with the drift engine
/// (<see cref="DriftAnalyzer"/>: automatic test choice, multiple-testing correction, dataset
/// verdict), and data quality against the training profile (Core's <see cref="QualityGate"/>:
/// missing share, out-of-range numbers, unseen categories).
/// </summary>
public static class MonitoringPass
{
    /// <summary>Reads every page of <paramref name="query"/> (records of other versions are skipped) and runs the pass.</summary>
    /// <exception cref="Core.Errors.KeelException">INVALID_PARAMETER_VALUE for a bad query or options; RESOURCE_DOES_NOT_EXIST when nothing was logged for the model.</exception>
    public static async Task<MonitoringPassResult> RunAsync(
        IPredictionStore store, PredictionQuery query, MonitoredVersion version, MonitoringPassOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(version);
        var builder = new PredictionWindowBuilder(version.Metadata.Signature);
        long otherVersions = 0;
        var page = query with { MaxResults = PredictionQuery.MaxPageSize };
        while (true)
        {
            var result = await store.SearchAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                if (!string.Equals(item.Record.ModelVersion, version.Version.Version, StringComparison.Ordinal))
                {
                    otherVersions++;
                    continue;
                }

                builder.Add(item.Record);
            }

            if (result.NextPageToken is null)
            {
                break;
            }

            page = page with { PageToken = result.NextPageToken };
        }

        return Run(version, builder.Build(), options) with { FromMs = query.FromMs, ToMs = query.ToMs, OtherVersionRequests = otherVersions };
    }

    /// <summary>Runs the pass over a collected window.</summary>
    public static MonitoringPassResult Run(MonitoredVersion version, PredictionWindow window, MonitoringPassOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(window);
        options ??= new MonitoringPassOptions();
        var drift = options.Drift;
        drift.Validate();
        var reference = version.Reference;
        DriftReport? inputDrift = null;
        DriftReport? predictionDrift = null;
        if (reference is not null && window.InputRows > 0)
        {
            inputDrift = Compare(reference.Inputs.Columns, window.Inputs, drift);
        }

        if (reference?.Predictions is { } predicted && window.PredictionRows > 0)
        {
            predictionDrift = Compare(predicted.Columns, window.Predictions, drift);
        }

        QualityGateResult? quality = version.TrainingProfile is { } profile && window.InputRows > 0
            ? QualityGate.Evaluate(profile, window.Inputs.Where(c => profile.Find(c.Name) is not null).ToList(), options.Quality)
            : null;
        return new MonitoringPassResult
        {
            Model = version.Version.Name,
            Version = version.Version.Version,
            ReferenceSource = reference?.Source,
            ReferenceRows = reference?.Inputs.RowCount ?? 0,
            Requests = window.Requests,
            RequestsWithoutInputs = window.RequestsWithoutInputs,
            MalformedRequests = window.MalformedRequests,
            InputRows = window.InputRows,
            PredictionRows = window.PredictionRows,
            InputDrift = inputDrift,
            PredictionDrift = predictionDrift,
            Quality = quality,
        };
    }

    /// <summary>Drift of the columns both sides have and the engine compares (numeric, categorical, text; not date/time).</summary>
    private static DriftReport Compare(IReadOnlyList<DataColumn> reference, IReadOnlyList<DataColumn> current, DriftOptions options)
    {
        var names = new HashSet<string>(current.Where(DriftAnalyzer.Compares).Select(c => c.Name), StringComparer.Ordinal);
        var left = reference.Where(c => DriftAnalyzer.Compares(c) && names.Contains(c.Name)).ToList();
        var kept = new HashSet<string>(left.Select(c => c.Name), StringComparer.Ordinal);
        var right = current.Where(c => kept.Contains(c.Name)).ToList();
        var columns = options.Columns.Count > 0 ? options.Columns.Where(kept.Contains).ToList() : [];
        return DriftAnalyzer.Compare(left, right, new DriftOptions
        {
            Columns = columns,
            Overrides = options.Overrides,
            Correction = options.Correction,
            DriftShare = options.DriftShare,
            ReportBins = options.ReportBins,
        });
    }
}
