using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.ML.Evaluation;
using Keel.ML.Running;

namespace Keel.Cli.Train;

/// <summary>One gate's outcome, as reported in the summary and in <c>validation/report.json</c>.</summary>
/// <param name="Metric">The metric, checked on the test split (logged as <c>test_&lt;metric&gt;</c>).</param>
/// <param name="Value">Its value (NaN when undefined).</param>
/// <param name="Min">The floor, or null.</param>
/// <param name="Max">The ceiling, or null.</param>
/// <param name="Passed">Whether it passed.</param>
internal sealed record GateResult(string Metric, double Value, double? Min, double? Max, bool Passed)
{
    public static GateResult From(ThresholdCheck check) => new(check.Metric, check.Value, check.Min, check.Max, check.Passed);

    /// <summary>e.g. <c>accuracy_score 0.91 &gt;= 0.9</c>.</summary>
    public string Describe()
    {
        var bounds = new List<string>(2);
        if (Min is { } min)
        {
            bounds.Add(">= " + TrainTracking.Format(min));
        }

        if (Max is { } max)
        {
            bounds.Add("<= " + TrainTracking.Format(max));
        }

        var value = double.IsNaN(Value) ? "undefined" : Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
        return $"test_{Metric} = {value}, required {string.Join(" and ", bounds)}";
    }
}

/// <summary>What registration did.</summary>
/// <param name="Name">The registered model.</param>
/// <param name="Version">The new version.</param>
/// <param name="RequestedAlias">The alias the pipeline asked for, or null.</param>
/// <param name="RequestedStage">The stage the pipeline asked for, or null.</param>
/// <param name="Applied">Whether the alias/stage was applied (only when every gate passed).</param>
internal sealed record RegistrationResult(string Name, string Version, string? RequestedAlias, string? RequestedStage, bool Applied);

/// <summary>The gates' report, and registration that honours it.</summary>
internal static class TrainGates
{
    /// <summary>The content of <c>validation/report.json</c>.</summary>
    public static object Report(TrainingResult result) => new
    {
        status = result.ThresholdsPassed ? "passed" : "failed",
        split = "test",
        checks = result.ThresholdChecks.Select(c => new
        {
            metric = c.Metric,
            logged_as = "test_" + c.Metric,
            value = double.IsFinite(c.Value) ? c.Value : (double?)null,
            min = c.Min,
            max = c.Max,
            passed = c.Passed,
        }),
    };

    /// <summary>
    /// Registers <c>runs:/&lt;run&gt;/model</c> as a new version tagged <c>keel.validation.status</c>;
    /// applies the requested alias or stage only when every gate passed.
    /// </summary>
    public static async Task<RegistrationResult> RegisterAsync(IRegistryStore registry, TrainingResult result, string runId, Actor actor, CancellationToken cancellationToken)
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

        var status = result.ThresholdsPassed ? "passed" : "failed";
        var version = await registry.CreateModelVersionAsync(
            new CreateModelVersionCommand(name, $"runs:/{runId}/model", runId,
                [new("keel.validation.status", status), new("keel.pipeline", result.Pipeline.Name), new("keel.data.digest", result.Data.Digest)],
                null, null, null),
            actor,
            cancellationToken).ConfigureAwait(false);

        if (!result.ThresholdsPassed)
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
}
