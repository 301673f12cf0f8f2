using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Protocol;
using Keel.Core.Tracking;

namespace Keel.Cli.Experiments;

/// <summary><c>keel experiments create NAME</c>.</summary>
internal static class ExperimentsCreateCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "Experiment name (unique)." };
        var location = new Option<string?>("--artifact-location") { Description = "Where the experiment's artifacts go; the server's default when left out." };
        var tags = new Option<string[]>("--tag", "-t") { Description = "A tag key=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("create", "Create an experiment.") { name, location, tags };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var experimentName = ctx.Parse.GetValue(name)!;
            var experimentTags = Formats.ParseTags(ctx.Parse.GetValue(tags)).Select(t => new ExperimentTag(t.Key, t.Value)).ToList();
            var id = await ctx.Store.Tracking.CreateExperimentAsync(experimentName, ctx.Parse.GetValue(location), experimentTags.Count == 0 ? null : experimentTags, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new CreateExperimentResponse(id), r => ctx.Output.WriteLine($"Created experiment '{experimentName}' with id {r.ExperimentId}."));
        });
        return command;
    }
}
