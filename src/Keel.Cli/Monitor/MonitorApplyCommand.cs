using System.CommandLine;
using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;

namespace Keel.Cli.Monitor;

/// <summary><c>keel monitor apply FILE</c>: stores a model's monitor (schedule, window, alert rules, notifiers) from a spec file.</summary>
internal static class MonitorApplyCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "The spec file (YAML or JSON): model, interval_seconds, every_predictions, window_seconds, min_rows, rules, notifiers (see docs/monitoring.md)." };
        var command = new Command("apply", "Store a model's monitor from a spec file, replacing the one it had. The model must be registered; every problem of the spec is reported at once.") { file };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var spec = MonitorSpecFile.Read(ctx.Parse.GetValue(file)!);
            var stored = await ctx.Store.Monitoring().ApplyAsync(spec, ModelsCommon.Actor(globals, ctx, null), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(stored, m =>
            {
                var s = m.Spec;
                ctx.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Monitor of '{s.Model}' applied by {m.UpdatedBy}: {(s.Enabled == true ? "enabled" : "disabled")}, {MonitorFormat.Schedule(s)}, {s.Rules!.Count} rule(s), {s.Notifiers!.Count} notifier(s)."));
            });
        });
        return command;
    }
}
