using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Deployments;
using Spectre.Console;

namespace Keel.Cli.Deploy;

/// <summary>How deployments are shown in tables.</summary>
internal static class DeployFormat
{
    public static string Weight(Deployment d) =>
        d.CandidateVersion is null || !d.State.IsRolloutActive() ? "-" : string.Create(CultureInfo.InvariantCulture, $"{d.CandidateWeight}%");

    public static Table Status(Deployment d)
    {
        var table = CliOutput.NewTable("Field", "Value");
        void Row(string field, string? value) => table.AddRow(CliOutput.Cell(field), CliOutput.Cell(value ?? "-"));
        Row("Name", d.Name);
        Row("Model", d.Model);
        Row("Strategy", d.Spec.Strategy);
        Row("State", d.State.ToWireName());
        Row("Stable", d.StableVersion);
        Row("Candidate", d.CandidateVersion);
        Row("Candidate weight", Weight(d));
        var steps = d.Spec.Steps ?? [];
        Row("Step", d.StepIndex >= 0 ? string.Create(CultureInfo.InvariantCulture, $"{d.StepIndex + 1} of {steps.Count}: {Describe(steps[d.StepIndex])}") : null);
        Row("Production", d.Spec.Stage is null ? $"@{d.Spec.Alias}" : $"@{d.Spec.Alias}, stage {d.Spec.Stage}");
        Row("Revision", d.Revision.ToString(CultureInfo.InvariantCulture));
        Row("Updated (UTC)", Formats.Time(d.UpdatedAt));
        Row("Reason", d.Reason);
        return table;
    }

    /// <summary>A rolling deployment's replicas: one row each, and how many run the candidate.</summary>
    public static Table Replicas(Deployment d, IReadOnlyList<DeploymentReplica> replicas)
    {
        var table = CliOutput.NewTable("Replica", "Address", "Serves", "Assigned", "Ready", "Healthy", "Last heartbeat (UTC)", "Detail");
        foreach (var r in replicas)
        {
            table.AddRow(
                CliOutput.Cell(r.ReplicaId),
                CliOutput.Cell(r.Address),
                CliOutput.Cell(r.ServedVersion ?? "-"),
                CliOutput.Cell(r.DesiredVersion),
                CliOutput.Cell(r.Ready ? "yes" : "no"),
                CliOutput.Cell(r.Healthy ? "yes" : "no"),
                CliOutput.Cell(Formats.Time(r.LastHeartbeatAt)),
                CliOutput.Cell(r.Detail ?? "-"));
        }

        var target = d.CandidateVersion is { } c && d.State.IsRolloutActive() ? c : d.StableVersion;
        var on = replicas.Count(r => r.ServedVersion == target && r.DesiredVersion == target);
        table.Caption(string.Create(CultureInfo.InvariantCulture, $"{on} of {replicas.Count} replicas serve version {target}"));
        return table;
    }

    public static string Describe(DeploymentStep step) => step switch
    {
        { SetWeight: { } w } => string.Create(CultureInfo.InvariantCulture, $"set weight {w}%"),
        { Pause: { Duration: null, MinRequests: null } } => "pause until resumed",
        { Pause: { } p } => "pause " + string.Join(" and ", new[] { p.Duration, p.MinRequests is { } n ? string.Create(CultureInfo.InvariantCulture, $"{n} requests") : null }.Where(s => s is not null)),
        { Analysis: { } a } => "analysis" + (a.Gates is { Count: > 0 } g ? $" ({string.Join(", ", g)})" : string.Empty),
        _ => "?",
    };
}
