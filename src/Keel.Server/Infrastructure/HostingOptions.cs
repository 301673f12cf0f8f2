namespace Keel.Server.Infrastructure;

/// <summary>
/// Connection, timeout and request-body limits shared by both hosts (<c>keel server</c> and
/// <c>keel serve</c>). Bound from the <c>Keel:Hosting</c> configuration section (for example the
/// environment variable <c>Keel__Hosting__MaxConnections=2000</c>); checked at start-up.
/// </summary>
public sealed partial class HostingOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Keel:Hosting";

    /// <summary>
    /// Most TCP connections held at once; further ones are accepted and closed at once, so a flood
    /// can never use up the process's descriptors. Null derives it from the open-file limit with
    /// <see cref="DefaultMaxConnections"/>.
    /// </summary>
    /// <value>Null: with <c>free</c> = soft limit − max(descriptors open at start, 300), <c>clamp(free − max(free / 4, min(512, free / 2)), 4, 10,000)</c>.</value>
    public int? MaxConnections { get; set; }

    /// <summary>
    /// How long a connection may sit without a request: an idle keep-alive connection, and a new
    /// connection that has not sent its first byte, are closed after it.
    /// </summary>
    /// <value>30 s (Kestrel's default is 130 s).</value>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client may take to send a request line and headers once it has started.</summary>
    /// <value>10 s (Kestrel's default is 30 s).</value>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest request body, in bytes, for every endpoint but artifact uploads (which stream to the
    /// store and have <c>Keel:Artifacts:MaxUploadBytes</c>). Larger bodies get 413 REQUEST_TOO_LARGE.
    /// </summary>
    /// <value>32 MiB (33,554,432 bytes).</value>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// Most request-body bytes held in memory at once over all requests. A request reserves its
    /// body's size (its Content-Length, or <see cref="MaxRequestBodyBytes"/> when chunked) before
    /// reading it and waits while the budget is used up.
    /// </summary>
    /// <remarks>
    /// A body costs about three times its size while it is handled (the bytes, then the strings
    /// parsed from them at two bytes a character), so the default keeps the bodies of a burst near
    /// 400 MB: forty concurrent 29 MB bodies peaked at 0.8 GB of resident memory (docs/benchmarks.md).
    /// </remarks>
    /// <value>128 MiB (134,217,728 bytes).</value>
    public long MaxBufferedBodyBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>How long a request waits for room in <see cref="MaxBufferedBodyBytes"/> before it gets 503 TEMPORARILY_UNAVAILABLE.</summary>
    /// <value>15 s.</value>
    public TimeSpan BodyQueueTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After a burst of large bodies (64 MiB or more since the last trim), how long the server waits
    /// with no body in flight before it runs a compacting collection that gives memory back to the
    /// system. Zero turns this off.
    /// </summary>
    /// <value>2 s.</value>
    public TimeSpan MemoryTrimDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Descriptors the runtime itself holds once a model is served (two per loaded assembly), counted as used even when fewer are open at start.</summary>
    public const int RuntimeDescriptors = 300;

    /// <summary>
    /// The default connection cap for an open-file soft limit, counted from the descriptors free
    /// once the runtime has loaded everything: the soft limit less what is open at start, or less
    /// <see cref="RuntimeDescriptors"/> when more (assemblies load after start; a cap counted from
    /// the ~135 open early on let a flood exhaust a limit of 256 and crash the runtime). Of the free
    /// ones, a quarter, and at least half of them up to 512, are left for what opens later (the
    /// database, artifact streams, model loads); at most 10,000 connections; at least 4.
    /// </summary>
    /// <param name="softLimit">RLIMIT_NOFILE's soft limit (after raising it to the hard one), or null when unknown.</param>
    /// <param name="openAtStart">Descriptors already open when the cap is chosen, or null when unknown (taken as none).</param>
    public static int DefaultMaxConnections(ulong? softLimit, int? openAtStart = null)
    {
        if (softLimit is not { } soft || soft >= int.MaxValue)
        {
            return 10_000;
        }

        var free = Math.Max(0, (long)soft - Math.Max(openAtStart ?? 0, RuntimeDescriptors));
        var reserve = Math.Max(free / 4, Math.Min(512, free / 2));
        return (int)Math.Clamp(free - reserve, 4, 10_000);
    }
}
