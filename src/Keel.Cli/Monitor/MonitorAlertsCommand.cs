using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Monitoring;

namespace Keel.Cli.Monitor;

/// <summary><c>keel monitor alerts NAME [--state S] [--history]</c>: a model's alerts, or their history (newest first).</summary>
internal static class MonitorAlertsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The registered model." };
        var history = new Option<bool>("--history") { Description = "Show the alerts' history (every change, newest first) instead of the alerts." };
        var state = new Option<string>("--state") { Description = "Only alerts in this state: pending, firing or resolved.", HelpName = "state" };
        var from = new Option<long?>("--from") { Description = "With --history: changes at or after this time (Unix ms).", HelpName = "ms" };
        var max = new Option<int>("--max-results") { Description = "At most this many alerts or changes.", DefaultValueFactory = _ => MonitoringService.DefaultPageSize, HelpName = "n" };
        var command = new Command("alerts", "Show a model's alerts (state, severity, rule, series, value, since), most recently changed first; with --history, every change with its evidence.") { model, history, state, from, max };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var monitoring = ctx.Store.Monitoring();
            var name = ctx.Parse.GetValue(model);
            var limit = ctx.Parse.GetValue(max);
            if (ctx.Parse.GetValue(history))
            {
                if (ctx.Parse.GetValue(state) is not null)
                {
                    throw new UsageException("--state filters alerts, not their history; leave it out with --history.");
                }

                var events = await monitoring.HistoryAsync(name, ctx.Parse.GetValue(from), limit, null, ct).ConfigureAwait(false);
                ctx.Output.WriteResult(events.Items.Select(AlertEventView.Of).ToList(), list =>
                {
                    if (list.Count == 0)
                    {
                        ctx.Output.WriteLine("No alert history.");
                        return;
                    }

                    ctx.Output.Write(MonitorFormat.History(list));
                });
                return;
            }

            if (ctx.Parse.GetValue(from) is not null)
            {
                throw new UsageException("--from applies to --history only.");
            }

            var alerts = await monitoring.ListAlertsAsync(name, ctx.Parse.GetValue(state), limit, null, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(alerts.Items, list =>
            {
                if (list.Count == 0)
                {
                    ctx.Output.WriteLine("No alerts.");
                    return;
                }

                ctx.Output.Write(MonitorFormat.Alerts(list));
            });
        });
        return command;
    }
}
