using System.CommandLine;
using Keel.Cli.Artifacts;
using Keel.Cli.Experiments;
using Keel.Cli.Infrastructure;
using Keel.Cli.Runs;
using Keel.Cli.Server;

namespace Keel.Cli;

/// <summary>The keel command tree. Each feature folder contributes its commands.</summary>
public static class KeelCli
{
    /// <summary>Builds the root command over the process's console and environment.</summary>
    public static RootCommand CreateRootCommand() => CreateRootCommand(new CliSettings());

    /// <summary>Builds the root command over the given writers and environment.</summary>
    public static RootCommand CreateRootCommand(CliSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var globals = new GlobalOptions(settings);
        var root = new RootCommand("Keel: MLOps for .NET - tracking, registry, training, serving and monitoring.") { globals.TrackingUri };
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(ExperimentsCommand.Create(globals));
        root.Subcommands.Add(RunsCommand.Create(globals));
        root.Subcommands.Add(ArtifactsCommand.Create(globals));
        root.Subcommands.Add(Drift.DriftCommand.Create(settings));
        root.Subcommands.Add(Models.ModelsCommand.Create(globals));
        root.Subcommands.Add(Train.TrainCommand.Create(globals));
        root.Subcommands.Add(Serve.ServeCommand.Create(globals));
        root.Subcommands.Add(Validate.ValidateCommand.Create(globals));
        root.Subcommands.Add(Serving.ServingCommand.Create(globals));
        root.Subcommands.Add(Predictions.PredictionsCommand.Create(globals));
        root.Subcommands.Add(Deploy.DeployCommand.Create(globals));
        root.Subcommands.Add(Admin.AdminCommand.Create(globals));
        root.Subcommands.Add(Monitor.MonitorCommand.Create(globals));
        return root;
    }

    /// <summary>Runs the CLI; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, new CliSettings());

    /// <summary>Runs the CLI with the given writers and environment; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, CliSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return CliRunner.RunAsync(CreateRootCommand(settings), args, settings, cancellationToken);
    }
}
