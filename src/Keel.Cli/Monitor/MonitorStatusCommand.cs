using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Monitor;

/// <summary>
/// <c>keel monitor status NAME</c>: the model's monitor, the latest window of every series
/// (requests, drifted share, metric, active alerts) and its active alerts. With --json, the
/// status object the REST API answers.
/// </summary>
internal static class MonitorStatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The registered model." };
        var command = new Command("status", "Show a model's monitoring: its monitor, the latest window of every version, deployment and arm, and the active alerts.") { model };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var status = await ctx.Store.Monitoring().StatusAsync(ctx.Parse.GetValue(model), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(status, s =>
            {
                ctx.Output.WriteLine(MonitorFormat.Monitor(s.Monitor));
                if (s.Latest.Count == 0)
                {
                    ctx.Output.WriteLine("No windows yet: the monitor has not run on any traffic of this model.");
                }
                else
                {
                    ctx.Output.Write(MonitorFormat.Windows(s.Latest, s.Alerts));
                }

                ctx.Output.WriteLine(s.Alerts.Count == 0 ? "No active alerts." : $"{s.Alerts.Count} active alert(s):");
                if (s.Alerts.Count > 0)
                {
                    ctx.Output.Write(MonitorFormat.Alerts(s.Alerts));
                }
            });
        });
        return command;
    }
}
