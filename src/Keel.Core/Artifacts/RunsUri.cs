namespace Keel.Core.Artifacts;

/// <summary>
/// A <c>runs:/&lt;run id&gt;/&lt;path&gt;</c> URI: a path under a run's artifact root, as MLflow writes
/// model-version sources. Parsing is lexical; <c>ModelSourceValidator</c> decides whether a source is safe.
/// </summary>
/// <param name="RunId">The run id (never empty).</param>
/// <param name="Path">The path under the run's artifacts, without leading or trailing slashes; "" for the root.</param>
public sealed record RunsUri(string RunId, string Path)
{
    /// <summary>The prefix every such URI starts with.</summary>
    public const string Prefix = "runs:/";

    /// <summary>Splits a <c>runs:/</c> URI; null for anything else or an empty run id.</summary>
    public static RunsUri? TryParse(string? uri)
    {
        if (uri is null || !uri.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = uri[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var runId = slash < 0 ? rest : rest[..slash];
        return runId.Length == 0 ? null : new RunsUri(runId, slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/'));
    }

    /// <summary>This location under the run's own artifact URI (e.g. <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c>).</summary>
    public string Under(string runArtifactUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(runArtifactUri);
        return Path.Length == 0 ? runArtifactUri : runArtifactUri.TrimEnd('/') + "/" + Path;
    }
}
