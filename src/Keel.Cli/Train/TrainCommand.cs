using System.CommandLine;
using System.Text.Json;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Models;
using Keel.ML.Pipeline;
using Keel.ML.Workflows;

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
            Description = $"Train on this local store, e.g. sqlite:///keel-data/keel.db (same as --tracking-uri sqlite:///...). {StoreChoice.RuleHelp}",
            HelpName = "uri",
        };
        var artifacts = new Option<string>("--artifacts-uri")
        {
            Description = $"The local store's artifact root (a folder or s3://bucket/prefix). Default: {StoreChoice.DefaultArtifactsUri}, as 'keel server'.",
            HelpName = "folder",
        };
        var output = new Option<DirectoryInfo>("--output") { Description = "Keep the run's working folder (package, plot, metrics) here. Default: a temporary folder, deleted afterwards.", HelpName = "dir" };
        var noRegister = new Option<bool>("--no-register") { Description = "Log the run but do not register the model." };
        var referenceRows = new Option<int?>("--reference-rows")
        {
            Description = "Rows of the reference sample kept in the package for monitoring (a reservoir sample of the training split, drawn with the split seed); 0 for none. Default: the pipeline's monitoring.reference_rows, else 10000.",
            HelpName = "n",
        };
        var command = new Command("train", "Train a pipeline, log the run, check its gates and register the model.") { pipeline, backend, artifacts, output, noRegister, referenceRows };
        var naValues = new MissingValueOptions();
        naValues.AddTo(command);
        var json = command.AddJsonOption();
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = globals.Settings;
            var cliOutput = new CliOutput(settings, parse.GetValue(json));
            var file = parse.GetValue(pipeline)!;
            PipelineDefinition definition;
            StoreChoice store;
            try
            {
                // A bad pipeline file is reported, every problem at once, before any other work.
                definition = await PipelineParser.ParseFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
                definition = definition with { Data = definition.Data with { Missing = naValues.Read(parse, definition.Data.Missing) } };
                if (parse.GetValue(referenceRows) is { } rows)
                {
                    definition = definition with
                    {
                        ReferenceRows = rows is >= 0 and <= ReferenceSampleFiles.MaxRows
                            ? rows
                            : throw new UsageException($"--reference-rows: expected a whole number from 0 to {ReferenceSampleFiles.MaxRows}, got {rows}."),
                    };
                }
                store = globals.ResolveStore(parse, parse.GetValue(backend), parse.GetValue(artifacts));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ReportError(settings, e);
            }

            settings.Error.WriteLine(store.Line);
            var progress = new TrainProgress(cliOutput, settings.Error);
            var session = new TrainSession(
                new TrainOptions
                {
                    Pipeline = definition,
                    OutputDirectory = parse.GetValue(output)?.FullName,
                    Register = !parse.GetValue(noRegister),
                    User = User(settings),
                    Comment = $"keel train {file.Name}",
                },
                progress);
            try
            {
                // The summary is printed after the progress display (and its spinner) is gone.
                var summary = await progress.RunAsync(async () =>
                {
                    var opened = CliStore.Open(store, settings);
                    await using (opened.ConfigureAwait(false))
                    {
                        return await session.RunAsync(opened.Backend(), cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
                var exitCode = summary.Passed ? Passed : GateFailed;
                if (cliOutput.Json)
                {
                    // The library's summary plus the process's exit code, as scripts read it.
                    var node = JsonSerializer.SerializeToNode(summary, KeelJson.Options)!.AsObject();
                    node["exit_code"] = exitCode;
                    cliOutput.WriteJson(node);
                }
                else
                {
                    cliOutput.WriteLine(string.Empty);
                    TrainSummaryView.Write(summary, exitCode, cliOutput);
                }
                return exitCode;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ReportError(settings, e);
            }
        });
        return command;
    }

    /// <summary>Who runs and registry changes are recorded under: $KEEL_USER, else the OS user, else <c>keel</c>.</summary>
    internal static string User(CliSettings settings) =>
        settings.GetEnvironmentVariable("KEEL_USER") ?? settings.GetEnvironmentVariable("USER") ?? settings.GetEnvironmentVariable("USERNAME") ?? "keel";

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
