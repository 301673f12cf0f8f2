using System.Text.RegularExpressions;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Core.Validation;

/// <summary>
/// MLflow's input rules for tracking entities (mlflow/utils/validation.py): key names, value
/// lengths, batch sizes, timestamps. Each method throws INVALID_PARAMETER_VALUE with a message
/// naming the offending field; batch validation reports every problem at once.
/// </summary>
public static partial class TrackingValidator
{
    // Letters, digits, underscores, dashes, periods, spaces, slashes and colons.
    [GeneratedRegex(@"^[/\w.\- :]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();

    /// <summary>Throws when a required field is missing or empty.</summary>
    public static T Required<T>(T? value, string field)
        where T : class
    {
        if (value is null || (value is string s && s.Length == 0))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }

        return value;
    }

    /// <summary>Throws when a required value-type field is missing.</summary>
    public static T Required<T>(T? value, string field)
        where T : struct =>
        value ?? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");

    /// <summary>Checks a metric, param or tag key.</summary>
    public static void ValidateKey(string? key, string kind)
    {
        if (key is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter 'key' of {kind}.");
        }

        var error = KeyError(key, kind);
        if (error is not null)
        {
            throw KeelException.InvalidParameter(error);
        }
    }

    private static string? KeyError(string key, string kind)
    {
        if (key.Length == 0)
        {
            return $"Invalid {kind} name: ''. Names may not be empty.";
        }

        if (key.Length > TrackingLimits.MaxEntityKeyLength)
        {
            return $"{Capitalize(kind)} name '{Truncate(key)}' had length {key.Length}, which exceeded length limit of {TrackingLimits.MaxEntityKeyLength}.";
        }

        if (!ValidName().IsMatch(key))
        {
            return $"Invalid {kind} name: '{Truncate(key)}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).";
        }

        if (!IsUniquePath(key))
        {
            return $"Invalid {kind} name: '{Truncate(key)}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '{NormalizePosix(key)}'.";
        }

        return null;
    }

    /// <summary>Checks a metric, as log-metric and log-batch do.</summary>
    public static void ValidateMetric(Metric metric) =>
        Throw(MetricErrors(metric));

    /// <summary>
    /// <paramref name="param"/> with its value cut to <see cref="TrackingLimits.MaxParamValueLength"/>
    /// when <paramref name="truncate"/> (<see cref="InputLimits.TruncateLongValues"/>) and it is longer,
    /// as MLflow's server does; otherwise unchanged (and then refused by <see cref="ValidateParam"/>).
    /// </summary>
    public static Param Truncated(Param param, bool truncate = true)
    {
        ArgumentNullException.ThrowIfNull(param);
        return truncate && param.Value is { Length: > TrackingLimits.MaxParamValueLength }
            ? param with { Value = TruncateText(param.Value, TrackingLimits.MaxParamValueLength) }
            : param;
    }

    /// <summary>
    /// A run tag with its value cut to <see cref="TrackingLimits.MaxTagValueLength"/>, as <see cref="Truncated(Param, bool)"/>.
    /// MLflow's logged-models history (<see cref="MlflowTags.LoggedModels"/>) is JSON that a cut would corrupt: it is never cut (an over-long one is refused).
    /// </summary>
    public static RunTag Truncated(RunTag tag, bool truncate = true)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return truncate && tag.Value is { Length: > TrackingLimits.MaxTagValueLength } && tag.Key != MlflowTags.LoggedModels
            ? tag with { Value = TruncateText(tag.Value, TrackingLimits.MaxTagValueLength) }
            : tag;
    }

    /// <summary>The first <paramref name="limit"/> characters, one fewer when the cut would split a surrogate pair.</summary>
    public static string TruncateText(string value, int limit)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= limit)
        {
            return value;
        }

        return char.IsHighSurrogate(value[limit - 1]) ? value[..(limit - 1)] : value[..limit];
    }

    /// <summary>Checks a param value's length.</summary>
    public static void ValidateParam(Param param) => Throw(ParamErrors(param));

    /// <summary>Checks a run tag.</summary>
    public static void ValidateTag(RunTag tag) => Throw(TagErrors(tag.Key, tag.Value, TrackingLimits.MaxTagValueLength, "tag"));

    /// <summary>Checks an experiment tag.</summary>
    public static void ValidateExperimentTag(string? key, string? value) =>
        Throw(TagErrors(key, value, TrackingLimits.MaxExperimentTagValueLength, "tag"));

    /// <summary>Checks a log-batch request, collecting every problem.</summary>
    public static void ValidateBatch(IReadOnlyList<Metric> metrics, IReadOnlyList<Param> @params, IReadOnlyList<RunTag> tags)
    {
        var errors = new List<string>();
        if (metrics.Count > TrackingLimits.MaxMetricsPerBatch)
        {
            errors.Add($"A batch logging request can contain at most {TrackingLimits.MaxMetricsPerBatch} metrics. Got {metrics.Count} metrics.");
        }

        if (@params.Count > TrackingLimits.MaxParamsTagsPerBatch)
        {
            errors.Add($"A batch logging request can contain at most {TrackingLimits.MaxParamsTagsPerBatch} params. Got {@params.Count} params.");
        }

        if (tags.Count > TrackingLimits.MaxParamsTagsPerBatch)
        {
            errors.Add($"A batch logging request can contain at most {TrackingLimits.MaxParamsTagsPerBatch} tags. Got {tags.Count} tags.");
        }

        var total = metrics.Count + @params.Count + tags.Count;
        if (total > TrackingLimits.MaxEntitiesPerBatch)
        {
            errors.Add($"A batch logging request can contain at most {TrackingLimits.MaxEntitiesPerBatch} total metrics, params and tags. Got {total}.");
        }

        if (errors.Count > 0)
        {
            Throw(errors);
        }

        // A batch repeats a few keys many times: a key that passed once is not checked again
        // (the name checks normalise a path and run a regex); the other checks run per metric.
        var validKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            if (m is { Key: { } key, Timestamp: >= 0 } && validKeys.Contains(key))
            {
                continue;
            }

            var before = errors.Count;
            errors.AddRange(MetricErrors(m));
            if (errors.Count == before && m.Key is not null)
            {
                validKeys.Add(m.Key);
            }
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in @params)
        {
            errors.AddRange(ParamErrors(p));
            if (p.Key is not null && seen.TryGetValue(p.Key, out var previous) && previous != p.Value)
            {
                errors.Add($"Duplicate parameter keys with different values were found in the batch: '{Truncate(p.Key)}'.");
            }
            else if (p.Key is not null)
            {
                seen[p.Key] = p.Value;
            }
        }

        foreach (var t in tags)
        {
            errors.AddRange(TagErrors(t.Key, t.Value, TrackingLimits.MaxTagValueLength, "tag"));
        }

        Throw(errors);
    }

    /// <summary>Checks an experiment name.</summary>
    public static string ValidateExperimentName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter("Invalid experiment name: ''. Experiment names must be non-empty strings.");
        }

        if (name.Length > TrackingLimits.MaxExperimentNameLength)
        {
            throw KeelException.InvalidParameter($"Experiment name had length {name.Length}, which exceeded length limit of {TrackingLimits.MaxExperimentNameLength}.");
        }

        // NUL, CR and LF would split or cut the name wherever it is shown or written to a file.
        TextValidator.SingleLine(name, "name", TrackingLimits.MaxExperimentNameLength);
        return name;
    }

    /// <summary>Checks an experiment's artifact location (null passes): valid Unicode on one line, within <see cref="InputLimits.MaxArtifactLocationLength"/>.</summary>
    public static string? ValidateArtifactLocation(string? artifactLocation, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        return TextValidator.SingleLine(artifactLocation, "artifact_location", limits.MaxArtifactLocationLength, InputLimits.Setting(nameof(InputLimits.MaxArtifactLocationLength)));
    }

    /// <summary>Checks a run's user id (null passes): valid Unicode on one line, within <see cref="InputLimits.MaxUserIdLength"/>.</summary>
    public static string? ValidateUserId(string? userId, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        return TextValidator.SingleLine(userId, "user_id", limits.MaxUserIdLength, InputLimits.Setting(nameof(InputLimits.MaxUserIdLength)));
    }

    /// <summary>Checks a run name (null passes): at most <see cref="TrackingLimits.MaxRunNameLength"/> characters.</summary>
    public static string? ValidateRunName(string? runName) =>
        runName is { Length: > TrackingLimits.MaxRunNameLength }
            ? throw KeelException.InvalidParameter($"Run name had length {runName.Length}, which exceeded length limit of {TrackingLimits.MaxRunNameLength}.")
            : runName;

    /// <summary>Checks a run id: 32 lowercase hex characters.</summary>
    public static string ValidateRunId(string? runId)
    {
        if (string.IsNullOrEmpty(runId))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'run_id'.");
        }

        if (!RunIdPattern().IsMatch(runId))
        {
            throw KeelException.InvalidParameter($"Invalid run ID: '{Truncate(runId)}'.");
        }

        return runId;
    }

    /// <summary>Checks a search's max_results.</summary>
    public static int ValidateMaxResults(long? maxResults, int defaultValue, int limit)
    {
        var value = maxResults ?? defaultValue;
        if (value <= 0 || value > limit)
        {
            throw KeelException.InvalidParameter($"Invalid value {value} for parameter 'max_results' supplied. It must be a positive integer no greater than {limit}.");
        }

        return (int)value;
    }

    private static IEnumerable<string> MetricErrors(Metric metric)
    {
        var keyError = metric.Key is null ? "Missing value for required parameter 'metrics[].key'." : KeyError(metric.Key, "metric");
        if (keyError is not null)
        {
            yield return keyError;
        }

        if (metric.Timestamp < 0)
        {
            yield return $"Got invalid timestamp {metric.Timestamp} for metric '{metric.Key}'. Timestamp must be a non-negative integer (milliseconds since the Unix epoch).";
        }
    }

    private static IEnumerable<string> ParamErrors(Param param)
    {
        var keyError = param.Key is null ? "Missing value for required parameter 'params[].key'." : KeyError(param.Key, "param");
        if (keyError is not null)
        {
            yield return keyError;
        }

        if (param.Value is null)
        {
            yield return $"Missing value for required parameter 'value' of param '{param.Key}'.";
        }
        else if (param.Value.Length > TrackingLimits.MaxParamValueLength)
        {
            yield return $"Param value '{Truncate(param.Value)}' had length {param.Value.Length}, which exceeded length limit of {TrackingLimits.MaxParamValueLength}.";
        }
    }

    private static IEnumerable<string> TagErrors(string? key, string? value, int maxValueLength, string kind)
    {
        var keyError = key is null ? $"Missing value for required parameter 'key' of {kind}." : KeyError(key, kind);
        if (keyError is not null)
        {
            yield return keyError;
        }

        if (value is null)
        {
            yield return $"Missing value for required parameter 'value' of {kind} '{key}'.";
        }
        else if (value.Length > maxValueLength)
        {
            yield return $"Tag value '{Truncate(value)}' had length {value.Length}, which exceeded length limit of {maxValueLength}.";
        }
    }

    private static void Throw(IEnumerable<string> errors)
    {
        var list = errors as IReadOnlyCollection<string> ?? errors.ToList();
        if (list.Count == 1)
        {
            throw KeelException.InvalidParameter(list.First());
        }

        if (list.Count > 1)
        {
            throw KeelException.InvalidParameter(string.Join(" ", list.Select((e, i) => $"({i + 1}) {e}")));
        }
    }

    // MLflow's path_not_unique: the name must equal its POSIX-normalised form and not escape.
    private static bool IsUniquePath(string name)
    {
        var norm = NormalizePosix(name);
        return norm == name && norm != "." && !norm.StartsWith("..", StringComparison.Ordinal) && !norm.StartsWith('/');
    }

    internal static string NormalizePosix(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !absolute)
            {
                parts.Add(part);
            }
        }

        var joined = string.Join('/', parts);
        var leading = absolute ? (path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal) ? "//" : "/") : string.Empty;
        var result = leading + joined;
        return result.Length == 0 ? "." : result;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    internal static string Truncate(string s) => s.Length <= 250 ? s : s[..250] + "...";
}
