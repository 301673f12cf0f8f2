using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Artifacts;

/// <summary><c>keel artifacts</c>: list, download and upload a run's artifacts.</summary>
internal static class ArtifactsCommand
{
    public static Command Create(GlobalOptions globals) => new("artifacts", "List, download and upload a run's artifacts.")
    {
        ArtifactsListCommand.Create(globals),
        ArtifactsDownloadCommand.Create(globals),
        ArtifactsUploadCommand.Create(globals),
    };
}
