using Keel.Cli.Infrastructure;
using Keel.Core.Monitoring;

namespace Keel.Cli.Monitor;

/// <summary>Reads a monitor spec file (YAML or JSON) into the spec <c>monitors/apply</c> takes.</summary>
internal static class MonitorSpecFile
{
    // Plain YAML scalars under these keys stay strings (a rule named 1, a model named 2024).
    private static readonly SpecFile File = new(
        "monitor spec",
        new HashSet<string>(StringComparer.Ordinal) { "model", "name", "kind", "severity", "deployment", "alias", "pipeline", "canary_deployment", "url", "secret_env", "format" });

    public static MonitorSpec Read(string path) => File.Read<MonitorSpec>(path);
}
