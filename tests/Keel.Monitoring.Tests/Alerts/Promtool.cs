using System.Diagnostics;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>
/// Runs Prometheus's own <c>promtool</c> (Debian's prometheus package; ./test.sh installs it, so a
/// machine without it fails the test rather than skipping the check).
/// </summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("promtool is not installed: install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus); ./test.sh does this.");
        var start = new ProcessStartInfo(promtool, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
