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

    public static string Describe(DeploymentStep step) => step switch
    {
        { SetWeight: { } w } => string.Create(CultureInfo.InvariantCulture, $"set weight {w}%"),
        { Pause: { Duration: null, MinRequests: null } } => "pause until resumed",
        { Pause: { } p } => "pause " + string.Join(" and ", new[] { p.Duration, p.MinRequests is { } n ? string.Create(CultureInfo.InvariantCulture, $"{n} requests") : null }.Where(s => s is not null)),
        { Analysis: { } a } => "analysis" + (a.Gates is { Count: > 0 } g ? $" ({string.Join(", ", g)})" : string.Empty),
        _ => "?",
    };
}
