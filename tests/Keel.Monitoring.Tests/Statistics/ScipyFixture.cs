using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Monitoring.Tests.Statistics;

/// <summary>Loads the scipy reference fixture (copied into Fixtures/, see PROVENANCE.md).</summary>
internal static class ScipyFixture
{
    private static readonly Lazy<JsonArray> CasesLazy = new(Load);

    public static JsonArray Cases => CasesLazy.Value;

    public static IEnumerable<string> Ids(string kind) =>
        Cases.Select(c => c!.AsObject()).Where(c => (string)c["kind"]! == kind).Select(c => (string)c["id"]!);

    public static JsonObject Case(string id) => Cases.Select(c => c!.AsObject()).Single(c => (string)c["id"]! == id);

    public static double[] Numbers(JsonNode? node) => node!.AsArray().Select(Number).ToArray();

    public static string?[] Strings(JsonNode? node) => node!.AsArray().Select(n => n is null ? null : (string)n!).ToArray();

    public static long[] Longs(JsonNode? node) => node!.AsArray().Select(n => (long)n!.GetValue<double>()).ToArray();

    public static double Number(JsonNode? node)
    {
        if (node is null)
        {
            return double.NaN;
        }

        var value = node.AsValue();
        if (value.TryGetValue<string>(out var s))
        {
            return s switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        return value.GetValue<double>();
    }

    private static JsonArray Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "scipy-reference.json");
        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions())!;
        return root["cases"]!.AsArray();
    }
}

/// <summary>The fixture header's suggested tolerances.</summary>
internal static class Tolerance
{
    /// <summary>Statistics and distances: abs 1e-12 or rel 1e-9.</summary>
    public static void Statistic(double expected, double actual, string what) => Check(expected, actual, 1e-12, 1e-9, what);

    /// <summary>p-values: rel 1e-6 (abs 1e-12 below 1e-6).</summary>
    public static void PValue(double expected, double actual, string what) => Check(expected, actual, expected < 1e-6 ? 1e-12 : 0, 1e-6, what);

    /// <summary>Exact-method p-values: rel 1e-9.</summary>
    public static void ExactPValue(double expected, double actual, string what) => Check(expected, actual, 1e-15, 1e-9, what);

    /// <summary>p-value tolerance by method: exact (rel 1e-9) or not (rel 1e-6).</summary>
    public static void PValue(double expected, double actual, bool exact, string what)
    {
        if (exact)
        {
            ExactPValue(expected, actual, what);
        }
        else
        {
            PValue(expected, actual, what);
        }
    }

    public static void Check(double expected, double actual, double abs, double rel, string what)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }

        double err = Math.Abs(expected - actual);
        Assert.True(err <= abs || err <= rel * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R} (abs err {err:E3}, rel {err / Math.Abs(expected):E3})");
    }
}
