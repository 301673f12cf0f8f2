namespace Keel.Server.Artifacts;

/// <summary>
/// Content types for downloads. Text-like artifacts are served as <c>text/plain</c> (as MLflow does for
/// its text extensions); markup and scripts never get a type a browser would render or run.
/// </summary>
internal static class ArtifactContentTypes
{
    private const string Binary = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain",
        [".log"] = "text/plain",
        [".err"] = "text/plain",
        [".cfg"] = "text/plain",
        [".conf"] = "text/plain",
        [".cs"] = "text/plain",
        [".py"] = "text/plain",
        [".ini"] = "text/plain",
        [".properties"] = "text/plain",
        [".yaml"] = "text/plain",
        [".yml"] = "text/plain",
        [".md"] = "text/plain",
        [".rst"] = "text/plain",
        [".tsv"] = "text/plain",
        [".csv"] = "text/plain",
        [".sql"] = "text/plain",
        [".html"] = "text/plain",
        [".htm"] = "text/plain",
        [".js"] = "text/plain",
        [".svg"] = "text/plain",
        [".xml"] = "text/plain",
        [".json"] = "application/json",
        [".geojson"] = "application/json",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".bmp"] = "image/bmp",
        [".webp"] = "image/webp",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".parquet"] = Binary,
    };

    /// <summary>The content type to send a file named <paramref name="fileName"/> with.</summary>
    public static string For(string fileName)
    {
        if (string.Equals(fileName, "MLmodel", StringComparison.Ordinal) || string.Equals(fileName, "MLproject", StringComparison.Ordinal))
        {
            return "text/plain";
        }

        return ByExtension.TryGetValue(Path.GetExtension(fileName), out var type) ? type : Binary;
    }
}
