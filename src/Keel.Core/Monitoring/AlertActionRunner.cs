using System.Globalization;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Registry;

namespace Keel.Core.Monitoring;

/// <summary>
/// The <see cref="IAlertActionRunner"/> every entry point shares: rolls a deployment in progress
/// back through <see cref="IDeploymentOperations"/>, moves an alias back through the registry's
/// audited rollback (which applies the promotion guard), and hands retraining to the
/// <see cref="RetrainingQueue"/>. Every change is made as <see cref="User"/> with a reason that
/// names the alert and its value, so the deployment history and the registry's trail say why.
/// An action that finds nothing to do says so and succeeds (a firing alert must not loop on it);
/// a refusal (the promotion guard, a deployment that does not exist) is reported, never thrown.
/// </summary>
/// <param name="deployments">The deployment commands (the server's <see cref="DeploymentService"/>).</param>
/// <param name="registry">The registry (its rollback is audited and guarded).</param>
/// <param name="retraining">Where retraining goes; null when this host cannot train (the action then says so).</param>
public sealed partial class AlertActionRunner(IDeploymentOperations deployments, IRegistryStore registry, RetrainingQueue? retraining = null) : IAlertActionRunner
{
    /// <summary>The user every action is recorded under.</summary>
    public const string User = "keel-monitor";

    /// <inheritdoc />
    public async Task<AlertActionOutcome> RunAsync(Alert alert, AlertAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(action);
        var kind = action.Kind ?? "(none)";
        try
        {
            return kind switch
            {
                AlertActionKinds.RollbackDeployment => await RollbackDeploymentAsync(alert, action, cancellationToken).ConfigureAwait(false),
                AlertActionKinds.RollbackProduction => await RollbackProductionAsync(alert, action, cancellationToken).ConfigureAwait(false),
                AlertActionKinds.Retrain => retraining is null
                    ? new AlertActionOutcome(kind, false, "Retraining is not available on this host.", null)
                    : await retraining.EnqueueAsync(alert, action, cancellationToken).ConfigureAwait(false),
                _ => new AlertActionOutcome(kind, false, $"Unknown action '{kind}': use one of {string.Join(", ", AlertActionKinds.All)}.", null),
            };
        }
        catch (KeelException e)
        {
            return new AlertActionOutcome(kind, false, $"{e.Message} ({e.Code.ToWireName()})", null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A store or file that failed under the action: reported in the outcome, never thrown into the evaluator.
            return new AlertActionOutcome(kind, false, $"{kind} failed: {e.Message}", null);
        }
    }

    /// <summary>The actor of an action: <see cref="User"/>, with a reason naming the alert and its value.</summary>
    public static Actor ActorFor(Alert alert, string what)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new Actor(User, $"{what}: {Describe(alert)}");
    }

    /// <summary>The alert for people: rule, kind, severity, series and value, e.g. <c>alert 'drift' (drifted_share, critical) on credit version 3, deployment web arm candidate: value 0.42</c>.</summary>
    public static string Describe(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var series = alert.Deployment is null ? string.Empty : $", deployment {alert.Deployment}" + (alert.Arm is null ? string.Empty : $" arm {alert.Arm}");
        var value = alert.Value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "none";
        var id = alert.Id > 0 ? $" #{alert.Id.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
        return $"alert{id} '{alert.Rule}' ({alert.Kind}, {alert.Severity}) on {alert.Model} version {alert.Version}{series}: value {value}";
    }

    /// <summary>The alert as evidence kept with a deployment event.</summary>
    public static JsonElement Evidence(Alert alert, AlertAction action) =>
        JsonSerializer.SerializeToElement(new AlertEvidence(AlertEvidenceAlert.Of(alert), action), KeelJson.Options);

    private sealed record AlertEvidence(AlertEvidenceAlert Alert, AlertAction Action);

    private sealed record AlertEvidenceAlert(long Id, string Key, string Model, string Rule, string Kind, string Severity, string Version, string? Deployment, string? Arm, string State, double? Value, string? Message, long? FiredAtMs)
    {
        public static AlertEvidenceAlert Of(Alert a) =>
            new(a.Id, a.Key, a.Model, a.Rule, a.Kind, a.Severity, a.Version, a.Deployment, a.Arm, a.State, a.Value is { } v && double.IsFinite(v) ? v : null, a.Message, a.FiredAtMs);
    }
}
