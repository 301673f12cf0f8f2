using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Deployments;

/// <summary>
/// The replica commands every entry point runs (REST, and the rolling coordinator's reads): checks
/// a replica's report, that the deployment exists and is rolling, and registers new replicas on
/// the deployment's stable version. The <c>RollingCoordinator</c> moves them from there.
/// </summary>
public sealed class DeploymentReplicaService(IDeploymentStore deployments, IDeploymentReplicaStore replicas)
{
    /// <summary>The longest address kept.</summary>
    public const int MaxAddressLength = 2048;

    /// <summary>The longest detail kept.</summary>
    public const int MaxDetailLength = 4096;

    /// <summary>The store (for the coordinator).</summary>
    public IDeploymentReplicaStore Store => replicas;

    /// <summary>Registers a replica (again); a new one is assigned the deployment's stable version.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad report or a deployment that is not rolling; RESOURCE_DOES_NOT_EXIST.</exception>
    public async Task<DeploymentReplica> RegisterAsync(ReplicaReport report, CancellationToken cancellationToken = default)
    {
        report = Check(report);
        var deployment = await deployments.GetAsync(report.Deployment!, cancellationToken).ConfigureAwait(false);
        if (deployment.Strategy != DeploymentStrategy.Rolling)
        {
            throw KeelException.InvalidParameter(
                $"Deployment '{deployment.Name}' uses the {deployment.Strategy.ToWireName()} strategy; replicas (keel serve --deployment) serve rolling deployments. Apply its spec with strategy: rolling.");
        }

        return await replicas.RegisterAsync(report, deployment.StableVersion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a heartbeat and answers the replica's assignment.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad report; RESOURCE_DOES_NOT_EXIST when the replica is not registered (it registers again).</exception>
    public async Task<DeploymentReplica> HeartbeatAsync(ReplicaReport report, CancellationToken cancellationToken = default)
    {
        report = Check(report);
        return await replicas.HeartbeatAsync(report, cancellationToken).ConfigureAwait(false)
            ?? throw KeelException.NotFound($"Replica '{report.ReplicaId}' of deployment '{report.Deployment}' is not registered (or was forgotten after going silent); register it again.");
    }

    /// <summary>The deployment's replicas, by id.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the deployment does not exist.</exception>
    public async Task<IReadOnlyList<DeploymentReplica>> ListAsync(string? deployment, CancellationToken cancellationToken = default)
    {
        var name = DeploymentSpecValidator.Name(deployment, "deployment");
        await deployments.GetAsync(name, cancellationToken).ConfigureAwait(false);
        return await replicas.ListAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a report, every problem at once.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE.</exception>
    public static ReplicaReport Check(ReplicaReport? report)
    {
        if (report is null)
        {
            throw KeelException.InvalidParameter("Missing replica report.");
        }

        var errors = new List<string>();
        var deployment = Try(errors, () => DeploymentSpecValidator.Name(report.Deployment, "deployment"));
        var id = Try(errors, () => Registry.RegistryValidator.ServingName(report.ReplicaId, "replica_id"));
        var address = Try(errors, () => TextValidator.SingleLine(report.Address, "address", MaxAddressLength));
        if (string.IsNullOrWhiteSpace(report.Address))
        {
            errors.Add("Missing value for required parameter 'address'.");
        }
        else if (address is not null && !(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"Invalid 'address': expected an absolute http(s) URL such as http://10.0.0.5:5001, got '{(address.Length > 64 ? address[..64] + "…" : address)}'.");
        }

        var served = Version(errors, report.ServedVersion, "version");
        var failed = Version(errors, report.FailedVersion, "failed_version");
        Try(errors, () => TextValidator.Text(report.Detail, "detail", MaxDetailLength));
        if (errors.Count > 0)
        {
            throw KeelException.InvalidParameter(errors.Count == 1 ? errors[0] : $"Invalid replica report ({errors.Count} problems): {string.Join(" ", errors.Select((e, i) => $"({i + 1}) {e}"))}");
        }

        return report with { Deployment = deployment, ReplicaId = id, Address = address, ServedVersion = served, FailedVersion = failed };
    }

    private static string? Version(List<string> errors, string? version, string field)
    {
        if (version is null)
        {
            return null;
        }

        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            var shown = !TextValidator.IsWellFormed(version) ? "(not valid Unicode)" : version.Length > 32 ? version[..32] + "…" : version;
            errors.Add($"Invalid '{field}' '{shown}': a model version is a positive whole number.");
            return null;
        }

        return number.ToString(CultureInfo.InvariantCulture);
    }

    private static string? Try(List<string> errors, Func<string?> rule)
    {
        try
        {
            return rule();
        }
        catch (KeelException e)
        {
            errors.Add(e.Message);
            return null;
        }
    }
}
