using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Deployments;
using Spectre.Console;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy list</c>: every deployment, by name.</summary>
internal static class DeployListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("list", "List deployments.");
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var all = new List<Deployment>();
            string? token = null;
            do
            {
                var page = await ctx.Store.Deployments().ListAsync(1000, token, ct).ConfigureAwait(false);
                all.AddRange(page.Items);
                token = page.NextPageToken;
            }
            while (token is not null);

            ctx.Output.WriteResult(all, list =>
            {
                if (list.Count == 0)
                {
                    ctx.Output.WriteLine("No deployments.");
                    return;
                }

                var table = CliOutput.NewTable("Name", "Model", "Strategy", "State", "Stable", "Candidate", "Weight");
                foreach (var d in list)
                {
                    table.AddRow(
                        CliOutput.Cell(d.Name),
                        CliOutput.Cell(d.Model),
                        CliOutput.Cell(d.Spec.Strategy),
                        CliOutput.Cell(d.State.ToWireName()),
                        CliOutput.Cell(d.StableVersion),
                        CliOutput.Cell(d.CandidateVersion ?? "-"),
                        CliOutput.Cell(DeployFormat.Weight(d)));
                }

                ctx.Output.Write(table);
            });
        });
        return command;
    }
}
