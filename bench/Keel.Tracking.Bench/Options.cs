using System.Globalization;

namespace Keel.Tracking.Bench;

/// <summary>"--name value" pairs after a command word.</summary>
internal sealed class Options(Dictionary<string, string> values)
{
    public static (string Command, Options Options) Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name before '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return (args.Length > 0 ? args[0] : string.Empty, new Options(values));
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: keel-tracking-bench seed|search|history|count --name value ... (see Program.cs)");
        return 2;
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"Missing --{name}.");

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public IReadOnlyList<int> IntList(string name) =>
        values.TryGetValue(name, out var v) && v.Length > 0
            ? v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList()
            : [];
}
