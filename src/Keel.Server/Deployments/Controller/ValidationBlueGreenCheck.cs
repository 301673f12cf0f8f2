using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Workflows;

namespace Keel.Server.Deployments.Controller;

/// <summary>
/// The blue-green data check: runs <c>keel validate</c>'s workflow (<see cref="ValidateSession"/>:
/// schema, data quality against the training profile, and the version's own metric thresholds
/// when the data has the target column) for the candidate on the data set the spec's
/// <see cref="DeploymentSpec.Checks"/> names. The data is read only from Keel's artifact store
/// (<c>runs:/</c> or <c>mlflow-artifacts:/</c>), never from a path a client names. The report is
/// returned as evidence and not recorded on the version (the deployment's history keeps it).
/// A deployment without <c>checks</c> passes (warming already proved it ready and scoring its example).
/// </summary>
public sealed class ValidationBlueGreenCheck(ITrackingStore tracking, IRegistryStore registry, IArtifactStore artifacts, TimeProvider time) : IBlueGreenCheck
{
    /// <inheritdoc />
    public async Task<BlueGreenCheckResult> CheckAsync(Deployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var checks = deployment.Spec.Checks;
        if (checks?.Data is null)
        {
            return new BlueGreenCheckResult(true, "ready and its input example scored; no data check configured", null);
        }

        var candidate = deployment.CandidateVersion ?? throw new InvalidOperationException($"Deployment '{deployment.Name}' has no candidate.");
        var modelUri = $"models:/{deployment.Model}/{candidate}";
        var folder = Directory.CreateTempSubdirectory("keel-bg-check-").FullName;
        try
        {
            ValidateResult result;
            try
            {
                var file = await DownloadAsync(checks.Data, folder, cancellationToken).ConfigureAwait(false);
                var backend = new TrainBackend("server", tracking, registry, artifacts);
                await using (backend.ConfigureAwait(false))
                {
                    result = await new ValidateSession().RunAsync(backend, new ValidateOptions
                    {
                        ModelUri = modelUri,
                        DataPath = file,
                        Thresholds = Thresholds(checks),
                        Record = false,
                        Schema = new SchemaOptions { FailOnExtraColumns = checks.Strict ?? false },
                        TimeProvider = time,
                    }, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (KeelException e)
            {
                // The data cannot be read or scored (missing file, a column the model needs is
                // absent, no known target): the candidate is not proven, so traffic does not switch.
                var problem = new { data = checks.Data, model_uri = modelUri, error_code = e.Code.ToWireName(), problem = e.Message };
                return new BlueGreenCheckResult(false, $"keel validate on {checks.Data} could not run: {e.Message}", Json(new { validation = problem }));
            }

            result = result with { Data = result.Data with { Path = checks.Data } };
            var evidence = Json(new { validation = result });
            if (result.Report.Passed)
            {
                return new BlueGreenCheckResult(true, $"keel validate's gates passed on {checks.Data} ({result.Report.TagValue})", evidence);
            }

            var failures = string.Join("; ", result.Report.Checks.Where(c => c.Outcome == GateOutcome.Failed).Select(c => c.Reason));
            return new BlueGreenCheckResult(false, $"keel validate's gates failed on {checks.Data}: {failures}", evidence);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Copies the data set from the artifact store into <paramref name="folder"/>, keeping its file name (its extension picks the reader).</summary>
    private async Task<string> DownloadAsync(string location, string folder, CancellationToken cancellationToken)
    {
        var normalized = DeploymentSpecValidator.CheckDataLocation(location);
        string storePath;
        if (RunsUri.TryParse(normalized) is { } runs)
        {
            var run = await tracking.GetRunAsync(runs.RunId, cancellationToken).ConfigureAwait(false);
            storePath = StoreLocation.ToStorePath(runs.Under(run.Info.ArtifactUri), artifacts.RootUri, $"Run '{runs.RunId}''s artifact '{runs.Path}'");
        }
        else
        {
            storePath = ArtifactUris.ToRelativePath(normalized);
        }

        var file = Path.Combine(folder, ArtifactPath.FileName(storePath));
        var source = await artifacts.OpenReadAsync(storePath, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var target = File.Create(file);
            await using (target.ConfigureAwait(false))
            {
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }

        return file;
    }

    private static List<MetricThreshold> Thresholds(BlueGreenChecks checks) =>
        (checks.Thresholds ?? new Dictionary<string, double>())
            .Select(t => new MetricThreshold(t.Key)
            {
                Threshold = t.Value,
                GreaterIsBetter = MetricDirections.TryGetGreaterIsBetter(t.Key, out var greater) && greater,
            })
            .ToList();

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value, KeelJson.Options);
}
