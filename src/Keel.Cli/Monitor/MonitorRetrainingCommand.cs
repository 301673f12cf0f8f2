using System.CommandLine;
using System.Globalization;
using System.Text;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Monitoring;

namespace Keel.Cli.Monitor;

/// <summary>
/// <c>keel monitor retraining [--model NAME] [--state STATE] [--id ID]</c>: the retraining jobs the
/// alert actions of a server started (state, the alert that started them, pipeline, run id, version
/// and gate verdict). Jobs live in the server that runs them, so this needs <c>--tracking-uri</c>.
/// </summary>
internal static class MonitorRetrainingCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Only this model's jobs." };
        var state = new Option<string?>("--state") { Description = $"Only jobs in this state ({string.Join(", ", RetrainingJobs.States)})." };
        var id = new Option<string?>("--id") { Description = "Show one job." };
        var command = new Command("retraining", "List the retraining jobs alert actions started on the server, or show one: state, alert, pipeline, run id, version and gate verdict.") { model, state, id };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            if (ctx.Store.Client is not { } client)
            {
                throw new KeelException(ErrorCode.NotImplemented, "Retraining jobs run inside 'keel server' and are kept there: point --tracking-uri (or KEEL_TRACKING_URI) at a Keel server.");
            }

            if (ctx.Parse.GetValue(id) is { } one)
            {
                var job = await client.GetRetrainingJobAsync(one, ct).ConfigureAwait(false);
                ctx.Output.WriteResult(new { job }, _ => ctx.Output.WriteLine(Format([job]).TrimEnd()));
                return;
            }

            var jobs = await client.ListRetrainingJobsAsync(ctx.Parse.GetValue(model), ctx.Parse.GetValue(state), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new { jobs }, _ => ctx.Output.WriteLine(jobs.Count == 0 ? "No retraining jobs." : Format(jobs).TrimEnd()));
        });
        return command;
    }

    private static string Format(IReadOnlyList<RetrainingJob> jobs)
    {
        var text = new StringBuilder();
        foreach (var j in jobs)
        {
            text.Append(CultureInfo.InvariantCulture, $"{j.Id}  {j.Model}  {j.State}  queued {DateTimeOffset.FromUnixTimeMilliseconds(j.QueuedAtMs):u}\n");
            text.Append(CultureInfo.InvariantCulture, $"  alert:    {j.Alert}\n");
            text.Append(CultureInfo.InvariantCulture, $"  pipeline: {j.Pipeline}\n");
            text.Append(CultureInfo.InvariantCulture, $"  run: {j.RunId ?? "-"}  version: {j.Version ?? "-"}  gates: {j.GateStatus ?? "-"}{(j.Canary is null ? "" : "  canary: " + j.Canary)}\n");
            if (j.Message is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {j.Message}\n");
            }
        }

        return text.ToString();
    }
}
