using Keel.Cli.Infrastructure;
using Keel.Core.Deployments;

namespace Keel.Cli.Deploy;

/// <summary>Reads a deployment spec file (YAML or JSON) into the spec the deployments API takes.</summary>
internal static class DeploySpecFile
{
    // Plain YAML scalars under these keys stay strings (version: 2 is the version "2"); "- pause:"
    // and "- analysis:" with nothing after them mean an empty step, as in Argo Rollouts.
    private static readonly SpecFile File = new(
        "deployment spec",
        new HashSet<string>(StringComparer.Ordinal) { "name", "model", "version", "strategy", "alias", "stage", "header", "column", "duration", "method", "metric" },
        new HashSet<string>(StringComparer.Ordinal) { "pause", "analysis" });

    public static DeploymentSpec Read(string path) => File.Read<DeploymentSpec>(path);
}
