using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Protocol;

namespace Keel.Cli.Models;

/// <summary>
/// <c>keel models held-at MODEL --stage production --at T</c>: which version held a stage (or an
/// alias pointed at) at a moment, answered from the audit trail.
/// </summary>
internal static class ModelsHeldAtCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var stage = ModelsCommon.StageOption("The stage asked about.");
        var alias = ModelsCommon.AliasOption("The alias asked about.");
        var at = new Option<string>("--at") { Description = "The moment: ISO-8601 (UTC unless an offset is given, e.g. 2026-11-26T18:00:00Z) or Unix milliseconds.", Required = true };
        var command = new Command("held-at", "Which version held a stage, or an alias pointed at, at a given time (from the audit trail).") { model, stage, alias, at };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var (wireStage, aliasName) = reference.StageOrAlias(ctx.Parse.GetValue(stage), ctx.Parse.GetValue(alias));
            var time = ModelsFormat.ParseTime(ctx.Parse.GetValue(at)!, "--at");
            var held = await ctx.Store.Registry.HeldAtAsync(reference.Name, wireStage, aliasName, time, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(held, h => ctx.Output.WriteLine(Sentence(h)));
        });
        return command;
    }

    internal static string Sentence(HeldAtResponse h)
    {
        var when = $"At {Formats.Time(h.Timestamp)} UTC";
        var held = h.Stage is not null
            ? $"{when}, {ModelsFormat.Stage(h.Stage)} of '{h.Name}' was held by {ModelsFormat.Versions(h.Versions)}."
            : $"{when}, @{h.Alias} of '{h.Name}' pointed at {ModelsFormat.Versions(h.Versions, "nothing")}.";
        // A move an approval let through gets a line naming who moved it and who approved it.
        foreach (var move in (h.Moves ?? []).Where(m => m.ApprovedBy.Count > 0))
        {
            held += $"\n  version {move.Version}: moved there by {move.User} at {Formats.Time(move.Timestamp)} UTC, approved by {string.Join(", ", move.ApprovedBy)}";
        }

        return held;
    }
}
