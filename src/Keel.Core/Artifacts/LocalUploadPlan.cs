namespace Keel.Core.Artifacts;

/// <summary>
/// Which artifact paths a local file or folder uploads to, as MLflow's <c>log_artifact</c> /
/// <c>log_artifacts</c> lay them out: a file lands at <c>prefix/&lt;file name&gt;</c>, a folder's
/// files (recursively, in ordinal order) under <c>prefix/</c>. One rule for the REST client and the
/// CLI on a local store.
/// </summary>
public static class LocalUploadPlan
{
    /// <summary>The (local file, artifact path) pairs to upload, in the order to upload them.</summary>
    /// <param name="localPath">A file or a folder.</param>
    /// <param name="prefix">The artifact folder to upload under, without leading or trailing slashes; empty for the root.</param>
    /// <exception cref="FileNotFoundException">When <paramref name="localPath"/> is neither a file nor a folder.</exception>
    public static IReadOnlyList<(string File, string Target)> Of(string localPath, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        ArgumentNullException.ThrowIfNull(prefix);
        if (File.Exists(localPath))
        {
            return [(localPath, Join(prefix, Path.GetFileName(localPath)))];
        }

        if (!Directory.Exists(localPath))
        {
            throw new FileNotFoundException($"No file or directory '{localPath}'.", localPath);
        }

        var files = Directory.GetFiles(localPath, "*", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return [.. files.Select(f => (f, Join(prefix, Path.GetRelativePath(localPath, f).Replace(Path.DirectorySeparatorChar, '/'))))];
    }

    private static string Join(string prefix, string path) => prefix.Length == 0 ? path : prefix + "/" + path;
}
