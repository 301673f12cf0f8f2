using Keel.Cli.Infrastructure;
using Keel.ML.Workflows;
using Spectre.Console;

namespace Keel.Cli.Train;

/// <summary>
/// Progress of <c>keel train</c>: a Spectre.Console spinner on an interactive terminal, plain
/// <c>==&gt; step</c> lines otherwise (captured by tests), nothing with <c>--json</c>. Warnings
/// (a failed gate) go to stderr, one line each, with or without <c>--json</c>.
/// </summary>
internal sealed class TrainProgress : IWorkflowProgress
{
    private readonly CliOutput _output;
    private readonly TextWriter _error;
    private readonly bool _interactive;
    private StatusContext? _status;

    public TrainProgress(CliOutput output, TextWriter error)
    {
        _output = output;
        _error = error;
        _interactive = output.UseColor && !output.Json && WideEnough();
    }

    /// <summary>The narrowest terminal the spinner is drawn on; Spectre's live display loops on a terminal a few columns wide.</summary>
    internal const int MinimumSpinnerWidth = 20;

    /// <summary>Whether the terminal is wide enough for the live spinner (plain lines otherwise).</summary>
    private static bool WideEnough()
    {
        try
        {
            return AnsiConsole.Profile.Width >= MinimumSpinnerWidth;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="body"/> under a spinner (interactive) or directly.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        if (!_interactive)
        {
            return await body().ConfigureAwait(false);
        }

        return await AnsiConsole.Status().StartAsync("starting", async ctx =>
        {
            _status = ctx;
            return await body().ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Announces a step.</summary>
    public void Step(string text)
    {
        if (_output.Json)
        {
            return;
        }

        if (_status is not null)
        {
            _status.Status(Markup.Escape(text));
            AnsiConsole.MarkupLine("[grey]==>[/] " + Markup.Escape(text));
        }
        else
        {
            _output.WriteLine("==> " + text);
        }
    }

    /// <summary>Prints a detail line under the current step.</summary>
    public void Detail(string text)
    {
        if (_output.Json)
        {
            return;
        }

        if (_status is not null)
        {
            AnsiConsole.MarkupLine("    " + Markup.Escape(text));
        }
        else
        {
            _output.WriteLine("    " + text);
        }
    }

    /// <summary>Writes a warning line on stderr.</summary>
    public void Warning(string text) => _error.WriteLine(text);
}
