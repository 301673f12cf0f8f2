using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;
using Spectre.Console;

namespace Keel.Cli.Models;

/// <summary><c>keel models history MODEL</c>: the audit trail, oldest first.</summary>
internal static class ModelsHistoryCommand
{
    private const int ValueWidth = 40;

    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var version = new Option<string?>("--version", "-v") { Description = "Only events about this version." };
        var from = new Option<string?>("--from") { Description = "Only events at or after this time (ISO-8601 or Unix ms)." };
        var to = new Option<string?>("--to") { Description = "Only events at or before this time (ISO-8601 or Unix ms)." };
        var command = new Command("history", "Show the audit trail of a model: who changed what, when, and why.") { model, version, from, to };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var versionFilter = ctx.Parse.GetValue(version);
            if (reference.Uri is not null)
            {
                versionFilter = versionFilter is null
                    ? (await ctx.Store.Registry.ResolveAsync(reference.Text, ct).ConfigureAwait(false)).Version
                    : throw new UsageException($"Give a models:/ URI or --version, not both ('{reference.Text}' and '{versionFilter}').");
            }

            var query = new RegistryEventQuery(
                reference.Name,
                versionFilter,
                ctx.Parse.GetValue(from) is { } f ? ModelsFormat.ParseTime(f, "--from") : null,
                ctx.Parse.GetValue(to) is { } t ? ModelsFormat.ParseTime(t, "--to") : null);
            var events = await ctx.Store.Registry.ListAllEventsAsync(query, ct).ToListAsync(ct).ConfigureAwait(false);
            ctx.Output.WriteResult(events, list =>
            {
                if (list.Count == 0)
                {
                    ctx.Output.WriteLine($"No events for '{reference.Name}'.");
                    return;
                }

                ctx.Output.Write(Table(list));
            });
        });
        return command;
    }

    private static Table Table(IEnumerable<RegistryEvent> events)
    {
        var table = CliOutput.NewTable("Time (UTC)", "User", "Event", "Version", "From → To", "Comment");
        foreach (var e in events)
        {
            table.AddRow(
                CliOutput.Cell(Formats.Time(e.Timestamp)),
                CliOutput.Cell(e.User),
                CliOutput.Cell(Describe(e)),
                CliOutput.Cell(e.Version),
                CliOutput.Cell(Change(e)),
                CliOutput.Cell(ModelsFormat.Shorten(e.Comment, 80)));
        }

        return table;
    }

    /// <summary>What happened, in words: <c>stage</c>, <c>alias @champion</c>, <c>tag team set</c>, with <c>(rollback)</c> when a rollback did it.</summary>
    internal static string Describe(RegistryEvent e)
    {
        var text = e.Kind switch
        {
            RegistryEventKinds.ModelCreated => "model created",
            RegistryEventKinds.ModelRenamed => "model renamed",
            RegistryEventKinds.ModelUpdated => "model description",
            RegistryEventKinds.ModelDeleted => "model deleted",
            RegistryEventKinds.ModelTagSet => $"model tag {e.Target} set",
            RegistryEventKinds.ModelTagDeleted => $"model tag {e.Target} deleted",
            RegistryEventKinds.VersionCreated => "version created",
            RegistryEventKinds.VersionUpdated => "version description",
            RegistryEventKinds.VersionDeleted => "version deleted",
            RegistryEventKinds.VersionTagSet => $"version tag {e.Target} set",
            RegistryEventKinds.VersionTagDeleted => $"version tag {e.Target} deleted",
            RegistryEventKinds.StageTransition => "stage",
            RegistryEventKinds.AliasSet => $"alias @{e.Target}",
            RegistryEventKinds.AliasDeleted => $"alias @{e.Target} removed",
            _ => e.Kind,
        };
        return e.Rollback ? text + " (rollback)" : text;
    }

    /// <summary><c>from → to</c>; stages by Keel's names, '-' for nothing.</summary>
    internal static string Change(RegistryEvent e)
    {
        if (e.Kind is RegistryEventKinds.ModelCreated or RegistryEventKinds.ModelDeleted)
        {
            return string.Empty;
        }

        var stages = e.Kind is RegistryEventKinds.StageTransition or RegistryEventKinds.VersionCreated or RegistryEventKinds.VersionDeleted;
        string Value(string? v) => v is null ? "-" : stages ? ModelsFormat.Stage(v) : ModelsFormat.Shorten(v, ValueWidth);
        return $"{Value(e.From)} → {Value(e.To)}";
    }
}
