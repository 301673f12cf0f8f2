using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Monitoring;

namespace Keel.Cli.Monitor;

/// <summary><c>keel monitor run NAME</c>: runs the model's monitor now (one window per series, stored, alert rules evaluated) and shows what it found.</summary>
internal static class MonitorRunCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The registered model." };
        var end = new Option<long?>("--window-end") { Description = "End of the windows (Unix ms, exclusive). Default: now.", HelpName = "ms" };
        var command = new Command("run", "Run a model's monitor now on the server: one window of the prediction log per version, deployment and arm, stored, and its alert rules evaluated.") { model, end };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            MonitorRunResult result;
            try
            {
                result = await ctx.Store.Monitoring().RunAsync(ctx.Parse.GetValue(model), ctx.Parse.GetValue(end), ct).ConfigureAwait(false);
            }
            catch (KeelException e) when (e.Code == ErrorCode.NotImplemented && ctx.Store.Client is null)
            {
                throw new KeelException(ErrorCode.NotImplemented, "keel monitor run needs the monitor runner, which runs inside 'keel server': point --tracking-uri (or KEEL_TRACKING_URI) at a Keel server.");
            }

            var view = new { windows = result.Windows, alert_changes = result.AlertChanges.Select(AlertEventView.Of).ToList() };
            ctx.Output.WriteResult(view, _ =>
            {
                ctx.Output.WriteLine(result.Windows.Count == 0 ? "No windows: no traffic of this model in the window." : $"{result.Windows.Count} window(s) stored:");
                if (result.Windows.Count > 0)
                {
                    ctx.Output.Write(MonitorFormat.Windows(result.Windows, []));
                }

                ctx.Output.WriteLine(result.AlertChanges.Count == 0 ? "No alert changed state." : $"{result.AlertChanges.Count} alert change(s):");
                if (result.AlertChanges.Count > 0)
                {
                    ctx.Output.Write(MonitorFormat.History([.. result.AlertChanges.Select(AlertEventView.Of)]));
                }
            });
        });
        return command;
    }
}
