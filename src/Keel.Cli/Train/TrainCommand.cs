using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.ML.Pipeline;

namespace Keel.Cli.Train;

/// <summary>
/// <c>keel train pipeline.yaml</c>: trains a pipeline, logs the run to tracking, checks the gates and
/// registers the model. Exit codes: 0 trained and every gate passed, 1 a gate failed, 2 an error
/// (bad pipeline file, data, store). See <c>docs/pipelines.md</c>, "keel train".
/// </summary>
internal static class TrainCommand
{
    /// <summary>Trained, and every gate passed.</summary>
    public const int Passed = 0;

    /// <summary>Trained and logged, but a gate failed: the requested alias/stage was not applied.</summary>
    public const int GateFailed = 1;

    /// <summary>The pipeline, data or store failed; nothing was registered.</summary>
    public const int Error = 2;

    public static Command Create(GlobalOptions globals)
    {
        var pipeline = new Argument<FileInfo>("pipeline") { Description = "The pipeline file (see docs/pipelines.md)." };
        var backend = new Option<string>("--backend-store-uri")
        {
            Description = $"Train straight on a local store instead of a server, e.g. sqlite:///keel-data/keel.db. Default when no server is named: {TrainStore.DefaultBackendStoreUri}.",
            HelpName = "uri",
        };
        var artifacts = new Option<string>("--artifacts-uri")
        {
            Description = $"The local store's artifact folder. Default: {TrainStore.DefaultArtifactsUri}.",
            HelpName = "folder",
        };
        var output = new Option<DirectoryInfo>("--output") { Description = "Keep the run's working folder (package, plot, metrics) here. Default: a temporary folder, deleted afterwards.", HelpName = "dir" };
        var noRegister = new Option<bool>("--no-register") { Description = "Log the run but do not register the model." };
        var command = new Command("train", "Train a pipeline, log the run, check its gates and register the model.") { pipeline, backend, artifacts, output, noRegister };
        var naValues = new MissingValueOptions();
        naValues.AddTo(command);
        var json = command.AddJsonOption();
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = globals.Settings;
            var cliOutput = new CliOutput(settings, parse.GetValue(json));
            var file = parse.GetValue(pipeline)!;
            PipelineDefinition definition;
            TrainStore store;
            try
            {
                // A bad pipeline file is reported, every problem at once, before any other work.
                definition = await PipelineParser.ParseFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
                definition = definition with { Data = definition.Data with { Missing = naValues.Read(parse, definition.Data.Missing) } };
                store = TrainStore.Resolve(globals, parse, parse.GetValue(backend), parse.GetValue(artifacts));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ReportError(settings, e);
            }

            var session = new TrainSession(settings, cliOutput, definition, file.Name)
            {
                OutputDirectory = parse.GetValue(output)?.FullName,
                Register = !parse.GetValue(noRegister),
            };
            try
            {
                return await session.RunAsync(store, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ReportError(settings, e);
            }
        });
        return command;
    }

    /// <summary>Prints the error (a pipeline's problems each on its own line) and returns <see cref="Error"/>.</summary>
    internal static int ReportError(CliSettings settings, Exception exception)
    {
        var message = exception switch
        {
            KeelException k => $"{k.Message} ({k.Code.ToWireName()})",
            HttpRequestException h => $"cannot reach the tracking server: {h.Message}",
            _ => exception.Message,
        };
        settings.Error.WriteLine("error: " + message.ReplaceLineEndings(Environment.NewLine + "  "));
        return Error;
    }
}
