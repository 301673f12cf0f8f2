namespace Keel.Cli.Infrastructure;

/// <summary>
/// The process exit codes of <c>keel</c>. Scripts can rely on them; failures also print one line
/// <c>error: &lt;message&gt;</c> on stderr.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// The command was refused: a usage error (unknown option, missing argument), an error answered by
    /// the tracking server (e.g. RESOURCE_DOES_NOT_EXIST), or a local file that cannot be read or written.
    /// </summary>
    public const int Failure = 1;

    /// <summary>The tracking server could not be reached, even after retrying.</summary>
    public const int Unreachable = 2;

    /// <summary>An unexpected error inside keel (a bug): reported on one line, never as a stack trace.</summary>
    public const int InternalError = 3;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
