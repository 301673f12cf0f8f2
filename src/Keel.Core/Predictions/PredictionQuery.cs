using Keel.Core.Errors;

namespace Keel.Core.Predictions;

/// <summary>
/// Which logged predictions to read: one model's, or one deployment's (optionally one arm's), over a
/// time range, oldest first, a page at a time.
/// </summary>
/// <param name="ModelName">The served model name; may be empty when <see cref="Deployment"/> is set.</param>
/// <param name="FromMs">Inclusive start, Unix milliseconds; null for the beginning.</param>
/// <param name="ToMs">Exclusive end, Unix milliseconds; null for no end.</param>
/// <param name="MaxResults">Page size, 1 to <see cref="MaxPageSize"/>.</param>
/// <param name="PageToken">The <c>next_page_token</c> of the previous page, or null for the first.</param>
public sealed record PredictionQuery(string ModelName, long? FromMs = null, long? ToMs = null, int MaxResults = PredictionQuery.DefaultPageSize, string? PageToken = null)
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 1000;

    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 10_000;

    /// <summary>Only requests sent to this deployment; null for no deployment filter.</summary>
    public string? Deployment { get; init; }

    /// <summary>Only requests this arm answered (<see cref="DeploymentArms"/>); needs <see cref="Deployment"/>.</summary>
    public string? Arm { get; init; }

    /// <summary>Which requests to read: answered only (the default), failed ones too, or failed ones only.</summary>
    /// <value>Default <see cref="PredictionErrorFilter.Exclude"/>: every reader that uses outputs or labels sees answered requests only.</value>
    public PredictionErrorFilter Errors { get; init; }

    /// <summary>Checks every field and reports all problems at once.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming every problem.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ModelName) && string.IsNullOrWhiteSpace(Deployment))
        {
            problems.Add("model: is required (or deployment)");
        }

        if (Arm is not null && (Deployment is null || !DeploymentArms.IsKnown(Arm)))
        {
            problems.Add($"arm: must be one of {string.Join(", ", DeploymentArms.All)} and needs a deployment");
        }

        if (!Enum.IsDefined(Errors))
        {
            problems.Add($"errors: must be one of {string.Join(", ", PredictionErrorFilters.Names)}");
        }

        if (MaxResults is < 1 or > MaxPageSize)
        {
            problems.Add($"max_results: must be between 1 and {MaxPageSize}, got {MaxResults}");
        }

        if (FromMs is { } from && ToMs is { } to && to < from)
        {
            problems.Add($"to ({to}) is before from ({from})");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter(string.Join("; ", problems) + ".");
        }
    }
}
