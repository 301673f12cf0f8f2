using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Deployments;

// The blue-green check: a data set in the artifact store, metric bounds, strictness.
public static partial class DeploymentSpecValidator
{
    /// <summary>The most metric bounds <c>checks.thresholds</c> may hold.</summary>
    public const int MaxCheckThresholds = 50;

    /// <summary>
    /// Checks a blue-green data location and returns it normalised: <c>runs:/&lt;run id&gt;/&lt;path&gt;</c>
    /// or <c>mlflow-artifacts:/&lt;path&gt;</c>, with a safe, non-empty file path (no <c>..</c>, no
    /// encoded separators). A local path, a <c>file:</c> URI or a URL is refused: the server reads
    /// only its own artifact store, never a path a remote client names.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming the rule.</exception>
    public static string CheckDataLocation(string? data, string field = "checks.data")
    {
        if (string.IsNullOrWhiteSpace(data))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}': the data set the candidate is validated on (runs:/<run id>/<path> or mlflow-artifacts:/<path>).");
        }

        string path;
        string normalized;
        try
        {
            if (RunsUri.TryParse(data) is { } runs)
            {
                var runId = ArtifactPath.Normalize(runs.RunId);
                path = ArtifactPath.Normalize(runs.Path);
                if (runId.Contains('/', StringComparison.Ordinal))
                {
                    throw KeelException.InvalidParameter("the run id is one path segment");
                }

                normalized = $"{RunsUri.Prefix}{runId}/{path}";
            }
            else if (ArtifactUris.IsProxied(data))
            {
                path = ArtifactUris.ToRelativePath(data);
                normalized = "mlflow-artifacts:/" + path;
            }
            else
            {
                throw KeelException.InvalidParameter(
                    $"Invalid data location '{Shown(data)}' in '{field}': the server reads only its artifact store, so use runs:/<run id>/<path> or mlflow-artifacts:/<path> (log the file as an artifact first); local paths, file: URIs and URLs are refused.");
            }
        }
        catch (KeelException e) when (!e.Message.StartsWith("Invalid data location", StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"Invalid data location '{Shown(data)}' in '{field}': {e.Message}");
        }

        if (path.Length == 0 || path.EndsWith('/'))
        {
            throw KeelException.InvalidParameter($"Invalid data location '{Shown(data)}' in '{field}': it must name a file (CSV with a header, or .parquet), not a folder.");
        }

        return normalized;
    }

    private static BlueGreenChecks? Checks(List<string> errors, BlueGreenChecks? checks, DeploymentStrategy strategy)
    {
        if (checks is null)
        {
            return null;
        }

        if (strategy != DeploymentStrategy.BlueGreen)
        {
            errors.Add($"'checks' is for blue_green rollouts, not {strategy.ToWireName()}: other strategies are judged by their gates on live traffic.");
            return null;
        }

        var data = Check(errors, () => CheckDataLocation(checks.Data));
        Dictionary<string, double>? thresholds = null;
        if (checks.Thresholds is { } given)
        {
            thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
            if (given.Count > MaxCheckThresholds)
            {
                errors.Add($"Too many metric bounds in 'checks.thresholds' ({given.Count}): at most {MaxCheckThresholds}.");
            }

            foreach (var (metric, value) in given.Take(MaxCheckThresholds))
            {
                if (!MetricDirections.TryGetGreaterIsBetter(metric, out _))
                {
                    errors.Add($"Unknown metric '{Shown(metric)}' in 'checks.thresholds' (known: {MetricDirections.KnownNames}).");
                }
                else if (!double.IsFinite(value))
                {
                    errors.Add($"Invalid bound {value} for '{metric}' in 'checks.thresholds': it must be a finite number.");
                }
                else
                {
                    thresholds[metric] = value;
                }
            }
        }

        return new BlueGreenChecks { Data = data, Thresholds = thresholds, Strict = checks.Strict ?? false };
    }
}
