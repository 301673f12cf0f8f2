using System.CommandLine;
using System.Text;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Monitoring.Reports;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy report NAME [--from] [--to] [--html FILE]</c>: the arms compared from the prediction log, as JSON, and optionally a self-contained HTML page.</summary>
internal static class DeployReportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The deployment." };
        var from = new Option<string?>("--from") { Description = "Only requests at or after this time (ISO-8601 or Unix ms)." };
        var to = new Option<string?>("--to") { Description = "Only requests before this time (ISO-8601 or Unix ms)." };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML report to this file.", HelpName = "FILE" };
        var command = new Command("report", "Compare a deployment's arms from its prediction log: agreement and confusion (classifiers) or differences (regression) on the same requests, each arm's latency, errors and metric on rows with feedback. Prints JSON.")
        {
            name, from, to, html,
        };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            long? f = ctx.Parse.GetValue(from) is { } a ? ModelsFormat.ParseTime(a, "--from") : null;
            long? t = ctx.Parse.GetValue(to) is { } b ? ModelsFormat.ParseTime(b, "--to") : null;
            var report = await ctx.Store.DeploymentReportAsync(ctx.Parse.GetValue(name)!, f, t, ct).ConfigureAwait(false);
            if (ctx.Parse.GetValue(html) is { } path)
            {
                await File.WriteAllTextAsync(path, DeploymentHtmlReport.Render(report), new UTF8Encoding(false), ct).ConfigureAwait(false);
                if (!ctx.Output.Json)
                {
                    ctx.Output.WriteLine($"Wrote the deployment report of '{report.Deployment}' to {path}.");
                    return;
                }
            }

            ctx.Output.WriteJson(report);
        });
        return command;
    }
}
