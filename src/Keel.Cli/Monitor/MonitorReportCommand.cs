using System.CommandLine;
using System.Text;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Monitor;

/// <summary>
/// <c>keel monitor report NAME --html [--output FILE] [--days 7]</c>: a model's monitoring as a
/// self-contained HTML page (drift by feature over time, the metric and its estimate over time
/// with counts, alerts), from a server or a local store.
/// </summary>
internal static class MonitorReportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The registered model." };
        var days = MonitorSummaryCommand.DaysOption();
        var html = new Option<bool>("--html") { Description = "Write the report as a self-contained HTML page (the only format; the JSON is `keel monitor summary --json`)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the page to this file instead of standard output.", HelpName = "FILE" };
        var command = new Command("report", "Render a model's monitoring over the last days as a self-contained HTML page: drift by feature over time, drifted share, the realised and estimated metric over time with counts, alerts.")
        {
            name, days, html, output,
        };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            if (!ctx.Parse.GetValue(html))
            {
                throw new UsageException("Say --html: the report is an HTML page (for JSON, use 'keel monitor summary --json').");
            }

            var page = await ctx.Store.MonitoringReportHtmlAsync(ctx.Parse.GetValue(name), ctx.Parse.GetValue(days), ct).ConfigureAwait(false);
            if (ctx.Parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, page, new UTF8Encoding(false), ct).ConfigureAwait(false);
                ctx.Output.WriteResult(new { path, bytes = Encoding.UTF8.GetByteCount(page) }, r => ctx.Output.WriteLine($"Wrote the monitoring report of '{ctx.Parse.GetValue(name)}' to {r.path}."));
                return;
            }

            ctx.Output.Out.Write(page);
        });
        return command;
    }
}
