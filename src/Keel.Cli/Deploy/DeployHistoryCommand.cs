using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Core.Deployments;
using Keel.Core.Json;
using Spectre.Console;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy history NAME</c>: every change of a deployment, oldest first.</summary>
internal static class DeployHistoryCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The deployment." };
        var command = new Command("history", "Show a deployment's history: who changed what, when, why, and the gate evidence.") { name };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var events = new List<DeploymentEvent>();
            string? token = null;
            do
            {
                var page = await ctx.Store.Deployments().HistoryAsync(ctx.Parse.GetValue(name)!, 1000, token, ct).ConfigureAwait(false);
                events.AddRange(page.Items);
                token = page.NextPageToken;
            }
            while (token is not null);

            ctx.Output.WriteResult(events, list =>
            {
                var table = CliOutput.NewTable("Time (UTC)", "User", "Event", "State", "Stable", "Candidate", "Reason", "Evidence");
                foreach (var e in list)
                {
                    table.AddRow(
                        CliOutput.Cell(Formats.Time(e.Timestamp)),
                        CliOutput.Cell(e.User),
                        CliOutput.Cell(e.Kind.Replace('_', ' ')),
                        CliOutput.Cell($"{(e.FromState is { } f ? f.ToWireName() : "-")} → {e.ToState.ToWireName()}"),
                        CliOutput.Cell(e.StableVersion),
                        CliOutput.Cell(e.CandidateVersion is null ? "-" : $"{e.CandidateVersion} ({e.CandidateWeight}%)"),
                        CliOutput.Cell(ModelsFormat.Shorten(e.Reason, 60)),
                        CliOutput.Cell(e.Evidence is { } ev ? ModelsFormat.Shorten(System.Text.Json.JsonSerializer.Serialize(ev, KeelJson.Options), 80) : null));
                }

                ctx.Output.Write(table);
            });
        });
        return command;
    }
}
