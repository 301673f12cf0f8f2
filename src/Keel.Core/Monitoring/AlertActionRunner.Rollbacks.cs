using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Monitoring;

// rollback_deployment and rollback_production.
public sealed partial class AlertActionRunner
{
    /// <summary>
    /// Rolls the deployment's rollout back when one is in progress and the alert is about its
    /// candidate; anything else is a no-op that says why.
    /// </summary>
    private async Task<AlertActionOutcome> RollbackDeploymentAsync(Alert alert, AlertAction action, CancellationToken cancellationToken)
    {
        const string kind = AlertActionKinds.RollbackDeployment;
        var name = action.Deployment ?? alert.Deployment;
        if (name is null)
        {
            return new AlertActionOutcome(kind, true, $"No-op: neither the action nor the alert names a deployment ({Describe(alert)}).", null);
        }

        var deployment = await deployments.GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (!deployment.State.IsRolloutActive())
        {
            return new AlertActionOutcome(kind, true, $"No-op: deployment '{name}' has no rollout in progress (it is {deployment.State.ToWireName()}, version {deployment.StableVersion} stable); nothing rolled back.", name);
        }

        if (deployment.Model != alert.Model || deployment.CandidateVersion != alert.Version)
        {
            return new AlertActionOutcome(kind, true, $"No-op: deployment '{name}' is rolling out {deployment.Model} version {deployment.CandidateVersion}, but the alert is about {alert.Model} version {alert.Version}; nothing rolled back.", name);
        }

        try
        {
            var after = await deployments.RollbackAsync(name, ActorFor(alert, "rolled back by monitoring"), Evidence(alert, action), cancellationToken).ConfigureAwait(false);
            return new AlertActionOutcome(kind, true, $"Rolled deployment '{name}' back: candidate version {deployment.CandidateVersion} gets no traffic, version {after.StableVersion} serves ({Describe(alert)}).", name);
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidState)
        {
            // The rollout ended between the read and the rollback (promoted, rolled back, failed).
            return new AlertActionOutcome(kind, true, $"No-op: deployment '{name}' left its rollout meanwhile ({e.Message}); nothing rolled back.", name);
        }
    }

    /// <summary>
    /// Moves the alias back when it points at the alert's version now. When a deployment owns the
    /// alias, its own rollback does it (its controller would otherwise put the alias back);
    /// otherwise the registry's rollback, audited and guarded, moves it.
    /// </summary>
    private async Task<AlertActionOutcome> RollbackProductionAsync(Alert alert, AlertAction action, CancellationToken cancellationToken)
    {
        const string kind = AlertActionKinds.RollbackProduction;
        var alias = action.Alias ?? "production";
        var reference = $"{alert.Model}@{alias}";
        string current;
        try
        {
            current = (await registry.GetModelVersionByAliasAsync(alert.Model, alias, cancellationToken).ConfigureAwait(false)).Version;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return new AlertActionOutcome(kind, true, $"No-op: {reference} points at no version; nothing moved.", reference);
        }

        if (current != alert.Version)
        {
            return new AlertActionOutcome(kind, true, $"No-op: {reference} points at version {current}, not at version {alert.Version} the alert is about; nothing moved.", reference);
        }

        if (await OwnerAsync(alert.Model, alias, cancellationToken).ConfigureAwait(false) is { } owner)
        {
            return await RollbackOwnerAsync(alert, action, owner, reference, cancellationToken).ConfigureAwait(false);
        }

        var previous = await PreviousHolderAsync(alert.Model, alias, current, cancellationToken).ConfigureAwait(false);
        if (previous is null)
        {
            return new AlertActionOutcome(kind, true, $"No-op: no earlier version of '{alert.Model}' that still exists held @{alias}, so there is nothing to move it back to; it stays on version {current}.", reference);
        }

        // The registry's rollback records the move as a rollback and refuses a version whose gates failed.
        var after = await registry.RollbackAliasAsync(alert.Model, alias, ActorFor(alert, "rolled back by monitoring"), cancellationToken).ConfigureAwait(false);
        return after is null
            ? new AlertActionOutcome(kind, true, $"Rolled {reference} back: the alias was removed (no earlier version still exists) ({Describe(alert)}).", reference)
            : new AlertActionOutcome(kind, true, $"Rolled {reference} back from version {current} to version {after.Version} ({Describe(alert)}).", reference);
    }

    /// <summary>The alias's owner: a promoted deployment's own rollback restores its previous stable version and moves the alias through the guard.</summary>
    private async Task<AlertActionOutcome> RollbackOwnerAsync(Alert alert, AlertAction action, Deployment owner, string reference, CancellationToken cancellationToken)
    {
        const string kind = AlertActionKinds.RollbackProduction;
        if (owner.State != DeploymentState.Promoted || owner.StableVersion != alert.Version || owner.PreviousStableVersion is null)
        {
            return new AlertActionOutcome(kind, false,
                $"Not moved: {reference} is managed by deployment '{owner.Name}' ({owner.State.ToWireName()}, version {owner.StableVersion} stable), which has no promotion of version {alert.Version} to roll back; its controller would put the alias back. Roll the deployment back or apply the previous version to it.",
                reference);
        }

        var after = await deployments.RollbackAsync(owner.Name, ActorFor(alert, "rolled back by monitoring"), Evidence(alert, action), cancellationToken).ConfigureAwait(false);
        return new AlertActionOutcome(kind, true, $"Rolled {reference} back from version {alert.Version} to version {after.StableVersion} through deployment '{owner.Name}', which owns the alias ({Describe(alert)}).", reference);
    }

    /// <summary>The deployment of <paramref name="model"/> whose spec points <paramref name="alias"/>, if any.</summary>
    private async Task<Deployment?> OwnerAsync(string model, string alias, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await deployments.ListAsync(1000, token, cancellationToken).ConfigureAwait(false);
            foreach (var d in page.Items)
            {
                if (d.Model == model && string.Equals(d.Spec.Alias, alias, StringComparison.Ordinal))
                {
                    return d;
                }
            }

            token = page.NextPageToken;
        }
        while (token is not null);
        return null;
    }

    /// <summary>
    /// The latest other version that held the alias before and still exists, from the audit trail;
    /// null when there is none. Without one the registry's rollback would remove the alias,
    /// taking production off rather than back.
    /// </summary>
    private async Task<string?> PreviousHolderAsync(string model, string alias, string current, CancellationToken cancellationToken)
    {
        var holders = new List<string>();
        string? token = null;
        do
        {
            var page = await registry.ListEventsAsync(new RegistryEventQuery(Name: model, PageToken: token), cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Items)
            {
                if (e.Kind == RegistryEventKinds.AliasSet && e.Target == alias && e.To is { } to && to != current)
                {
                    holders.Remove(to);
                    holders.Add(to);
                }
            }

            token = page.NextPageToken;
        }
        while (token is not null);

        for (var i = holders.Count - 1; i >= 0; i--)
        {
            try
            {
                await registry.GetModelVersionAsync(model, holders[i], cancellationToken).ConfigureAwait(false);
                return holders[i];
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
            {
                // Deleted since: the registry's rollback skips it too.
            }
        }

        return null;
    }
}
