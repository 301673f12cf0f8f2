namespace Keel.Core.Validation;

/// <summary>
/// Limits on free text and tag counts that Keel checks at every entry point (HTTP, CLI on a local
/// store, client). Where MLflow has a limit, the default is MLflow's (its database column sizes,
/// mlflow/store/model_registry/dbmodels/models.py and mlflow/store/tracking/dbmodels/models.py);
/// otherwise Keel's own. The server binds them from the <c>Keel:Limits</c> configuration section
/// (e.g. <c>--Keel:Limits:MaxTagsPerEntity=500</c>). Fixed MLflow limits (key, param and tag value
/// lengths, batch sizes) stay in <see cref="Tracking.TrackingLimits"/>.
/// </summary>
public sealed class InputLimits
{
    /// <summary>The configuration section the limits are bound from.</summary>
    public const string Section = "Keel:Limits";

    /// <summary>The defaults.</summary>
    public static InputLimits Default { get; } = new();

    /// <summary>Longest description of a registered model or model version, in characters.</summary>
    /// <value>5,000 (MLflow's <c>description</c> column).</value>
    public int MaxDescriptionLength { get; set; } = 5000;

    /// <summary>Longest <c>run_link</c> of a model version.</summary>
    /// <value>500 (MLflow's <c>run_link</c> column).</value>
    public int MaxRunLinkLength { get; set; } = 500;

    /// <summary>Longest comment on a registry change (transition, alias, rollback, delete), which the audit trail keeps.</summary>
    /// <value>5,000 (Keel's own; as long as a description).</value>
    public int MaxCommentLength { get; set; } = 5000;

    /// <summary>Longest user id (of a run, a model version, an audit event).</summary>
    /// <value>256 (MLflow's <c>user_id</c> column).</value>
    public int MaxUserIdLength { get; set; } = 256;

    /// <summary>Longest experiment <c>artifact_location</c>.</summary>
    /// <value>2,048 (MLflow's <c>MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH</c> default).</value>
    public int MaxArtifactLocationLength { get; set; } = 2048;

    /// <summary>Longest single feedback label, in characters of its JSON text.</summary>
    /// <value>4,096 (Keel's own).</value>
    public int MaxFeedbackLabelLength { get; set; } = 4096;

    /// <summary>Most tags one experiment, run, registered model or model version may hold (checked inside the store's write transaction).</summary>
    /// <value>1,000 (Keel's own; MLflow has no such limit).</value>
    public int MaxTagsPerEntity { get; set; } = 1000;

    /// <summary>
    /// Whether a param value over 6,000 characters or a run tag value over 8,000 is cut to the
    /// limit instead of refused, as MLflow's server does (<c>MLFLOW_TRUNCATE_LONG_VALUES</c>, on by
    /// default), so <c>mlflow.log_param(key, long_text)</c> works against Keel as against MLflow.
    /// Keys, experiment tags and registry tags are never truncated: over their limits they are refused.
    /// </summary>
    /// <value>true (MLflow's default).</value>
    public bool TruncateLongValues { get; set; } = true;

    /// <summary>The setting name of a limit, as messages name it: <c>Keel:Limits:MaxTagsPerEntity</c>.</summary>
    public static string Setting(string property) => Section + ":" + property;

    /// <summary>Refuses a <paramref name="count"/> of tags over <see cref="MaxTagsPerEntity"/> on one entity (INVALID_PARAMETER_VALUE naming the limit).</summary>
    /// <param name="count">The tags the entity would hold.</param>
    /// <param name="entity">The entity as the message names it, e.g. <c>run '0a1b...'</c>.</param>
    public void CheckTagCount(long count, string entity)
    {
        if (count > MaxTagsPerEntity)
        {
            throw Errors.KeelException.InvalidParameter(
                $"Too many tags on {entity}: {count}, the limit is {MaxTagsPerEntity} (setting {Setting(nameof(MaxTagsPerEntity))}). Delete tags before adding more.");
        }
    }

    /// <summary>Checks every limit is positive; reports all problems at once.</summary>
    /// <exception cref="InvalidOperationException">Naming every bad setting.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        Positive(MaxDescriptionLength, nameof(MaxDescriptionLength));
        Positive(MaxRunLinkLength, nameof(MaxRunLinkLength));
        Positive(MaxCommentLength, nameof(MaxCommentLength));
        Positive(MaxUserIdLength, nameof(MaxUserIdLength));
        Positive(MaxArtifactLocationLength, nameof(MaxArtifactLocationLength));
        Positive(MaxFeedbackLabelLength, nameof(MaxFeedbackLabelLength));
        Positive(MaxTagsPerEntity, nameof(MaxTagsPerEntity));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid limits: " + string.Join("; ", problems) + ".");
        }

        void Positive(int value, string name)
        {
            if (value <= 0)
            {
                problems.Add($"{Setting(name)} must be positive, got {value}");
            }
        }
    }
}
