using Keel.Core.Errors;
using Keel.Core.Models;

namespace Keel.Core.Registry;

/// <summary>
/// The two spellings of a <see cref="ModelStage"/>: MLflow's wire values <c>None</c>,
/// <c>Staging</c>, <c>Production</c>, <c>Archived</c> (REST API, <c>models:/name/Production</c>)
/// and Keel's names <c>development</c>, <c>staging</c>, <c>production</c>, <c>archived</c>
/// (package files, CLI). Parsing accepts either, case-insensitively.
/// </summary>
public static class ModelStages
{
    /// <summary>MLflow's wire value: <c>None</c>, <c>Staging</c>, <c>Production</c> or <c>Archived</c>.</summary>
    public static string ToWireName(ModelStage stage) => stage switch
    {
        ModelStage.Development => "None",
        ModelStage.Staging => "Staging",
        ModelStage.Production => "Production",
        ModelStage.Archived => "Archived",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>Keel's name: <c>development</c>, <c>staging</c>, <c>production</c> or <c>archived</c>.</summary>
    public static string ToKeelName(ModelStage stage) => stage switch
    {
        ModelStage.Development => "development",
        ModelStage.Staging => "staging",
        ModelStage.Production => "production",
        ModelStage.Archived => "archived",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>Parses a wire value or a Keel name, ignoring case.</summary>
    public static bool TryParse(string? text, out ModelStage stage)
    {
        foreach (var candidate in Enum.GetValues<ModelStage>())
        {
            if (string.Equals(text, ToWireName(candidate), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, ToKeelName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                stage = candidate;
                return true;
            }
        }

        stage = default;
        return false;
    }

    /// <summary>Parses a wire value or a Keel name, ignoring case.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for anything else.</exception>
    public static ModelStage Parse(string? text) =>
        TryParse(text, out var stage)
            ? stage
            : throw KeelException.InvalidParameter(
                $"Invalid Model Version stage: '{Truncate(text)}'. Value must be one of None, Staging, Production, Archived (or development, staging, production, archived).");

    internal static string Truncate(string? text) =>
        text is null ? "null" : text.Length > 100 ? text[..100] + "..." : text;
}
