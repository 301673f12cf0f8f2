using System.Diagnostics;
using System.Globalization;

namespace Keel.Server.Tests.Serving;

/// <summary>Reads a /metrics answer, and checks it with Prometheus's own <c>promtool check metrics</c>.</summary>
internal static class PrometheusText
{
    /// <summary>Sample values by series as written (<c>name{label="value",...}</c>; prometheus-net writes labels in declaration order).</summary>
    public static Dictionary<string, double> Samples(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    /// <summary>
    /// Pipes <paramref name="text"/> into <c>promtool check metrics</c> and returns its exit code and
    /// output. promtool is part of CI's toolset (./test.sh installs Debian's prometheus package), so
    /// a machine without it fails the test rather than skipping the check.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string text)
    {
        var promtool = FindOnPath("promtool")
            ?? throw new InvalidOperationException("promtool is not installed, so /metrics cannot be validated: install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus); ./test.sh does this.");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
