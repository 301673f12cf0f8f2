using Keel.Core.Errors;

namespace Keel.Cli.Infrastructure;

/// <summary>Turns any failure into one line on stderr and an exit code (see <see cref="ExitCodes"/>).</summary>
internal static class ErrorReporter
{
    public static int Report(Exception exception, TextWriter error)
    {
        var (code, message) = Describe(exception);
        error.WriteLine("error: " + OneLine(message));
        return code;
    }

    private static (int Code, string Message) Describe(Exception exception) => exception switch
    {
        UsageException e => (ExitCodes.Failure, e.Message),
        KeelException e => (ExitCodes.Failure, $"{e.Message} ({e.Code.ToWireName()})"),
        HttpRequestException e => (ExitCodes.Unreachable, $"cannot reach the tracking server: {e.Message}"),
        TaskCanceledException e when e.InnerException is TimeoutException => (ExitCodes.Unreachable, "the tracking server did not answer in time."),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled."),
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException => (ExitCodes.Failure, exception.Message),
        ArgumentException e => (ExitCodes.Failure, e.Message),
        _ => (ExitCodes.InternalError, $"unexpected {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>Collapses line breaks, tabs and runs of blanks into single spaces.</summary>
    public static string OneLine(string text) => string.Join(' ', text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
