namespace Keel.Cli.Infrastructure;

/// <summary>A command line that parses but makes no sense (e.g. no experiment named); exit code 1.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public UsageException()
    {
    }
}
