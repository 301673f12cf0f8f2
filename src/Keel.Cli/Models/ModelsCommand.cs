using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Models;

/// <summary>
/// <c>keel models</c>: the model registry. Wherever a model is named, a <c>models:/</c> URI works
/// too (<c>models:/credit/3</c>, <c>models:/credit@champion</c>, <c>models:/credit/Production</c>,
/// <c>models:/credit/latest</c>).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(GlobalOptions globals) => new("models", "Registered models: versions, stages, aliases, rollback, audit trail and lineage.")
    {
        ModelsListCommand.Create(globals),
        ModelsShowCommand.Create(globals),
        ModelsVersionsCommand.Create(globals),
        ModelsCreateCommand.Create(globals),
        ModelsRegisterCommand.Create(globals),
        ModelsPromoteCommand.Create(globals),
        ModelsAliasCommand.Create(globals),
        ModelsRollbackCommand.Create(globals),
        ModelsHistoryCommand.Create(globals),
        ModelsHeldAtCommand.Create(globals),
        ModelsApprovalsCommand.Create(globals),
        ModelsLineageCommand.Create(globals),
        ModelsDeleteCommand.Create(globals),
    };
}
