using System.CommandLine;
using Keel.Cli.Server;

namespace Keel.Cli;

/// <summary>The keel command tree. Each feature folder contributes its commands.</summary>
public static class KeelCli
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Keel: MLOps for .NET - tracking, registry, training, serving and monitoring.");
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(Drift.DriftCommand.Create());
        return root;
    }

    /// <summary>Runs the CLI; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = CreateRootCommand();
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
