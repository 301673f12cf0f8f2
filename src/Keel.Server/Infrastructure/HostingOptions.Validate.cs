namespace Keel.Server.Infrastructure;

public sealed partial class HostingOptions
{
    private const long MaxBodyLimit = 1L << 30;

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="InvalidOperationException">Naming every bad setting.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (MaxConnections is < 1)
        {
            problems.Add($"MaxConnections must be at least 1, got {MaxConnections}");
        }

        Positive(KeepAliveTimeout, nameof(KeepAliveTimeout), problems);
        Positive(RequestHeadersTimeout, nameof(RequestHeadersTimeout), problems);
        if (BodyQueueTimeout < TimeSpan.Zero)
        {
            problems.Add($"BodyQueueTimeout must not be negative, got {BodyQueueTimeout}");
        }

        if (MemoryTrimDelay < TimeSpan.Zero)
        {
            problems.Add($"MemoryTrimDelay must not be negative (0 turns trimming off), got {MemoryTrimDelay}");
        }

        if (MaxRequestBodyBytes is < 1 or > MaxBodyLimit)
        {
            problems.Add($"MaxRequestBodyBytes must be between 1 and {MaxBodyLimit} (1 GiB; a body is held in one array), got {MaxRequestBodyBytes}");
        }

        if (MaxBufferedBodyBytes < MaxRequestBodyBytes)
        {
            problems.Add($"MaxBufferedBodyBytes ({MaxBufferedBodyBytes}) must be at least MaxRequestBodyBytes ({MaxRequestBodyBytes}), or the largest body could never be read");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Invalid {Section} settings: {string.Join("; ", problems)}.");
        }
    }

    private static void Positive(TimeSpan value, string name, List<string> problems)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive, got {value}");
        }
    }
}
