using System.CommandLine;
using Keel.Cli.Infrastructure;
using Spectre.Console;

namespace Keel.Cli.Serving;

/// <summary><c>keel serving list</c>: the models the server serves.</summary>
internal static class ServingListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("list", "List the models the server serves, with their version and readiness.");
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var models = await ctx.Store.Serving.ListAsync(ct).ConfigureAwait(false);
            ctx.Output.WriteResult(models, list =>
            {
                if (list.Count == 0)
                {
                    ctx.Output.WriteLine("No models are being served. Add one with: keel serving add NAME models:/MODEL@ALIAS");
                    return;
                }

                var table = CliOutput.NewTable("Name", "Version", "Model URI", "Ready", "Task", "Algorithm", "Endpoint");
                foreach (var m in list)
                {
                    table.AddRow(
                        CliOutput.Cell(m.Name),
                        CliOutput.Cell(m.Version),
                        CliOutput.Cell(m.ModelUri),
                        CliOutput.Cell(m.Status is "loading" or "failed" or LocalServingAdmin.StoredStatus ? m.Status : m.Ready ? "yes" : "no"),
                        CliOutput.Cell(m.Task),
                        CliOutput.Cell(m.Algorithm),
                        CliOutput.Cell(ServingCommand.InvocationsPath(m.Name)));
                }

                ctx.Output.Write(table);
                foreach (var failed in list.Where(m => m.Status == "failed"))
                {
                    ctx.Output.WriteLine($"'{failed.Name}' is stored but failed to load after the restart: {failed.LastError?.Message} Add it again or remove it.");
                }
            });
        });
        return command;
    }
}
