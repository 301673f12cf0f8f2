using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Data;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.ML.Validation;

namespace Keel.ML.Workflows;

/// <summary>What registration did.</summary>
/// <param name="Name">The registered model.</param>
/// <param name="Version">The new version.</param>
/// <param name="RequestedAlias">The alias the pipeline asked for, or null.</param>
/// <param name="RequestedStage">The stage the pipeline asked for, or null.</param>
/// <param name="Applied">Whether the alias/stage was applied (only when every gate passed).</param>
public sealed record RegistrationResult(string Name, string Version, string? RequestedAlias, string? RequestedStage, bool Applied);

/// <summary>The champion the candidate was compared with.</summary>
/// <param name="Reference">How it was named: <c>@champion</c> or a stage.</param>
/// <param name="Version">Its version, or null when nothing holds that alias or stage yet.</param>
/// <param name="RunId">Its run, or null.</param>
/// <param name="Basis">Where its metrics come from: re-scored on this run's test split, or its run's logged <c>test_*</c> metrics (and why).</param>
public sealed record ChampionInfo(string Reference, string? Version, string? RunId, string? Basis = null);

/// <summary>
/// The pipeline's gates on the test split, with Core's <see cref="Keel.Core.Validation.Gates.MetricGate"/> (MLflow's
/// <c>MetricThreshold</c> semantics), against the current champion when a threshold asks for a
/// change; and registration that honours the resulting <see cref="GateReport"/>.
/// </summary>
public static class TrainGates
{
    /// <summary>The version tag pointing at the full report.</summary>
    public const string ReportTag = KeelTags.ValidationReport;

    /// <summary>
    /// Evaluates the pipeline's thresholds against the test metrics. The floor of a score and the
    /// ceiling of a loss are MLflow thresholds; the other bound (a ceiling on a score, a floor on a
    /// loss) is checked as a plain bound. Change thresholds compare with the champion named by
    /// <c>registration.champion</c>, re-scored on this run's test split so that both are measured
    /// on the same rows (its run's logged <c>test_</c> metrics when its package cannot score them);
    /// with no champion yet they are skipped and said so, so the first model of a name can be registered.
    /// </summary>
    public static async Task<(GateReport Report, ChampionInfo? Champion)> EvaluateAsync(
        TrainBackend backend, TrainingResult result, CancellationToken cancellationToken)
    {
        var registry = backend.Registry;
        var pipeline = result.Pipeline;
        var candidate = result.Metrics["test"];
        ChampionInfo? champion = null;
        IReadOnlyDictionary<string, double>? championMetrics = null;
        if (pipeline.Thresholds.Values.Any(t => t.HasChangeThreshold) && pipeline.Registration is { } registration)
        {
            (champion, championMetrics) = await FindChampionAsync(backend, registration, result.TestData, cancellationToken).ConfigureAwait(false);
        }

        // The pipeline's thresholds are Core's; with no champion yet, change thresholds are skipped and said so.
        var thresholds = new List<MetricThreshold>();
        var extra = new List<GateCheck>();
        foreach (var (metric, bound) in pipeline.Thresholds.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var core = championMetrics is null ? bound with { MinAbsoluteChange = null, MinRelativeChange = null } : bound;
            if (core.Threshold is not null || core.OppositeBound is not null || core.HasChangeThreshold)
            {
                thresholds.Add(core);
            }

            if (championMetrics is null && bound.HasChangeThreshold)
            {
                extra.Add(SkippedChange(metric, bound, champion));
            }
        }

        var metricGate = Keel.Core.Validation.Gates.MetricGate.Evaluate(candidate, championMetrics, thresholds);
        var checks = metricGate.ToChecks().Concat(extra).ToList();
        return (new GateReport(checks), champion);
    }

    /// <summary>
    /// Registers <c>runs:/&lt;run&gt;/model</c> as a new version tagged with the report's status
    /// (<see cref="GateReport.TagKey"/>) and where the report is; applies the requested alias or
    /// stage only when every gate passed.
    /// </summary>
    public static async Task<RegistrationResult> RegisterAsync(
        IRegistryStore registry, TrainingResult result, GateReport report, string runId, Actor actor, CancellationToken cancellationToken)
    {
        var registration = result.Pipeline.Registration!;
        var name = registration.ModelName;
        try
        {
            await registry.GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            await registry.CreateRegisteredModelAsync(name, null, null, actor, cancellationToken).ConfigureAwait(false);
        }

        var version = await registry.CreateModelVersionAsync(
            new CreateModelVersionCommand(name, $"runs:/{runId}/model", runId,
                [
                    new(GateReport.TagKey, report.TagValue),
                    new(ReportTag, $"runs:/{runId}/{GateReport.ArtifactPath}"),
                    new(KeelTags.Pipeline, result.Pipeline.Name),
                    new(KeelTags.DataDigest, result.Data.Digest),
                ],
                null, null, null),
            actor,
            cancellationToken).ConfigureAwait(false);

        if (!report.Passed)
        {
            return new RegistrationResult(name, version.Version, registration.Alias, registration.Stage, Applied: false);
        }

        if (registration.Alias is { } alias)
        {
            await registry.SetAliasAsync(name, alias, version.Version, actor, cancellationToken).ConfigureAwait(false);
        }

        if (registration.Stage is { } stage)
        {
            await registry.TransitionStageAsync(name, version.Version, stage, false, actor, cancellationToken).ConfigureAwait(false);
        }

        return new RegistrationResult(name, version.Version, registration.Alias, registration.Stage, Applied: registration.Alias is not null || registration.Stage is not null);
    }

    /// <summary>
    /// The version named by <c>registration.champion</c> and its metrics: re-scored on
    /// <paramref name="test"/> when its package can score it, else its run's logged test metrics
    /// (null, null when there is no champion).
    /// </summary>
    private static async Task<(ChampionInfo Champion, IReadOnlyDictionary<string, double>? Metrics)> FindChampionAsync(
        TrainBackend backend, RegistrationSection registration, TabularData? test, CancellationToken cancellationToken)
    {
        var reference = registration.Champion;
        var uri = reference.StartsWith('@')
            ? $"models:/{registration.ModelName}{reference}"
            : $"models:/{registration.ModelName}/{reference}";
        ModelVersion version;
        try
        {
            version = await backend.Registry.ResolveAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return (new ChampionInfo(reference, null, null), null);
        }

        var why = "no test rows to re-score";
        if (test is { RowCount: > 0 })
        {
            var directory = Directory.CreateTempSubdirectory("keel-champion-").FullName;
            try
            {
                await backend.DownloadModelAsync(version, directory, cancellationToken).ConfigureAwait(false);
                var evaluation = await PackageEvaluator.EvaluateAsync(directory, test, cancellationToken).ConfigureAwait(false);
                return (new ChampionInfo(reference, version.Version, version.RunId, $"re-scored on this run's test split ({evaluation.Rows} rows)"), evaluation.Metrics);
            }
            catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
            {
                why = "its package cannot score this data: " + e.Message;
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        if (string.IsNullOrEmpty(version.RunId))
        {
            // No run and no re-scoring: no metrics to beat, so every change check fails, as in MLflow.
            return (new ChampionInfo(reference, version.Version, null, why), new Dictionary<string, double>(StringComparer.Ordinal));
        }

        var run = await backend.Tracking.GetRunAsync(version.RunId, cancellationToken).ConfigureAwait(false);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in run.Data.Metrics)
        {
            if (metric.Key.StartsWith("test_", StringComparison.Ordinal))
            {
                metrics[metric.Key["test_".Length..]] = metric.Value;
            }
        }

        return (new ChampionInfo(reference, version.Version, version.RunId, $"its run's logged test metrics ({why})"), metrics);
    }

    private static GateCheck SkippedChange(string metric, MetricThreshold bound, ChampionInfo? champion)
    {
        var which = string.Join(" and ", new[] { bound.MinAbsoluteChange is null ? null : "min_absolute_change", bound.MinRelativeChange is null ? null : "min_relative_change" }.Where(s => s is not null));
        var reference = champion?.Reference ?? "the champion";
        return new GateCheck(GateNames.Metric, metric, "champion", null, null, GateOutcome.Skipped,
            $"No version holds {reference} yet, so {which} of {metric} was not checked; this version can become the first champion.");
    }
}
