using System.Globalization;

namespace Keel.Registry.Bench;

/// <summary>Command-line options: <c>--db PATH --reps N --models N --server URL</c>.</summary>
internal sealed record BenchOptions(string DatabasePath, int Repetitions, int Models, int VersionsPerModel, Uri? Server)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int Number(string name, int fallback) =>
            Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var db = Value("--db") ?? Path.Combine(Path.GetTempPath(), "keel-registry-bench", "keel.db");
        var server = Value("--server") is { } url ? new Uri(url.EndsWith('/') ? url : url + "/") : null;
        return new BenchOptions(Path.GetFullPath(db), Number("--reps", 300), Number("--models", 10_000), 10, server);
    }
}
