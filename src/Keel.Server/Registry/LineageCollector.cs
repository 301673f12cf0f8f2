using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Server.Infrastructure;

namespace Keel.Server.Registry;

/// <summary>
/// Records where a new model version came from: its run (experiment, name, params, metrics), the
/// run's dataset digests, and — when the source is a Keel model package in the artifact store —
/// the package's signature and the Keel version that wrote it.
/// </summary>
internal sealed class LineageCollector(ITrackingStore tracking, IArtifactStore artifacts)
{
    public async Task<ModelLineage?> CollectAsync(string source, string? runId, CancellationToken cancellationToken)
    {
        Run? run = null;
        if (runId is not null)
        {
            try
            {
                run = await tracking.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
            {
                throw KeelException.InvalidParameter($"Run '{runId}' given as the version's run_id does not exist.");
            }
        }

        var (signature, keelVersion) = await ReadPackageAsync(source, run, cancellationToken).ConfigureAwait(false);
        if (run is null && signature is null)
        {
            return null;
        }

        var datasets = run?.Inputs.DatasetInputs.Select(d => new LineageDataset(
            d.Dataset.Name,
            d.Dataset.Digest,
            d.Tags.FirstOrDefault(t => t.Key == MlflowTags.DatasetContext)?.Value,
            d.Dataset.Source)).ToList() ?? [];
        return new ModelLineage(
            run?.Info.RunId,
            run?.Info.ExperimentId,
            run?.Info.RunName,
            datasets,
            run?.Data.Metrics.ToDictionary(m => m.Key, m => m.Value) ?? [],
            run?.Data.Params.ToDictionary(p => p.Key, p => p.Value) ?? [],
            signature,
            keelVersion ?? HealthApi.Version);
    }

    /// <summary>
    /// The source's artifact-store folder, when it has one (runs:/ and mlflow-artifacts:/ sources, paths
    /// under the root); null for a source outside the store, which is never read, or one the store will refuse.
    /// </summary>
    public static string? ArtifactFolder(string source, Run? run, string artifactRootUri)
    {
        var location = RunsUri.TryParse(source) is { } runs
            ? run is null ? null : runs.Under(run.Info.ArtifactUri)
            : source;
        return StoreLocation.IsInStore(location, artifactRootUri) ? StoreLocation.ToStorePath(location!, artifactRootUri, "source") : null;
    }

    private async Task<(string? Signature, string? KeelVersion)> ReadPackageAsync(string source, Run? run, CancellationToken cancellationToken)
    {
        var folder = ArtifactFolder(source, run, artifacts.RootUri);
        if (folder is null)
        {
            return (null, null);
        }

        try
        {
            var stream = await artifacts.OpenReadAsync(Join(folder, "keel-model.json"), cancellationToken).ConfigureAwait(false);
            await using var _ = stream.ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var signature = root.TryGetProperty("signature", out var s) ? s.GetRawText() : null;
            var version = root.TryGetProperty("keel_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (signature, version);
        }
        catch (KeelException)
        {
            return (null, null); // Not a Keel package (an MLflow model, say): no signature to record.
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string Join(string folder, string path) =>
        folder.Length == 0 ? path : path.Length == 0 ? folder : folder.TrimEnd('/') + "/" + path;
}
