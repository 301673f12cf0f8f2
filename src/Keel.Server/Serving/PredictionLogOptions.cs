using Keel.Core.Predictions;

namespace Keel.Server.Serving;

/// <summary>
/// How the prediction log records served requests. Bound from the <c>Keel:PredictionLog</c>
/// configuration section (e.g. <c>--Keel:PredictionLog:SampleRate=0.1</c>); checked at start-up.
/// </summary>
public sealed class PredictionLogOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Keel:PredictionLog";

    /// <summary>Whether served requests are logged at all.</summary>
    /// <value>true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The share of requests logged, from 0 (none) to 1 (every one); each request is drawn independently.</summary>
    /// <value>1.0: every request.</value>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Requests the buffer holds before new ones are dropped (and counted) instead of slowing requests down.</summary>
    /// <value>100,000.</value>
    public int Capacity { get; set; } = 100_000;

    /// <summary>
    /// Bytes of serialised inputs and outputs the buffer holds before new requests are dropped (and
    /// counted, reason <c>queue_bytes</c>); with <see cref="Capacity"/> it bounds the memory a
    /// stalled or slow store can make the log take.
    /// </summary>
    /// <value>128 MiB.</value>
    public long MaxBufferBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>What is kept of each request's inputs: every value, a SHA-256 per row, or nothing (<see cref="PredictionInputsMode"/>).</summary>
    /// <value><see cref="PredictionInputsMode.Full"/>.</value>
    public PredictionInputsMode InputsMode { get; set; } = PredictionInputsMode.Full;

    /// <summary>Logged predictions older than this are deleted by the background pruner; zero keeps them forever.</summary>
    /// <value>30 days.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most the log may take in its store (estimated: see <see cref="PredictionRetention.MaxBytes"/>);
    /// the oldest predictions are deleted beyond it. Zero for no size limit.
    /// </summary>
    /// <value>10 GiB.</value>
    public long MaxBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How often the pruner applies <see cref="MaxAge"/> and <see cref="MaxBytes"/> (and once at start-up).</summary>
    /// <value>5 minutes.</value>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Predictions the pruner deletes per write: smaller batches hold the store's writer for less time.</summary>
    /// <value>5,000.</value>
    public int PruneBatchSize { get; set; } = PredictionRetention.DefaultBatchSize;

    /// <summary>
    /// Most records written in one store transaction. Small batches often spread the writer's work
    /// evenly: on 2 cores at 45k requests/s, 5,000-record batches every 200 ms gave a p99 of
    /// 22 ms (each batch held a core for tens of milliseconds); 200 every 20 ms gave 4 ms and
    /// more throughput (docs/benchmarks-serving.md).
    /// </summary>
    /// <value>200.</value>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long the writer lets a batch fill before writing it (a full batch is written at once).</summary>
    /// <value>20 ms.</value>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long the feedback endpoint waits for the buffer to reach the store when a request id is not
    /// found there yet (its record may still be buffered).
    /// </summary>
    /// <value>5 s.</value>
    public TimeSpan FeedbackFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="InvalidOperationException">Naming every bad setting.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (double.IsNaN(SampleRate) || SampleRate is < 0 or > 1)
        {
            problems.Add($"SampleRate must be between 0 and 1, got {SampleRate}");
        }

        if (Capacity < 1)
        {
            problems.Add($"Capacity must be at least 1, got {Capacity}");
        }

        if (MaxBufferBytes < 1)
        {
            problems.Add($"MaxBufferBytes must be at least 1, got {MaxBufferBytes}");
        }

        if (!Enum.IsDefined(InputsMode))
        {
            problems.Add($"InputsMode must be Full, Hash or None, got {InputsMode}");
        }

        if (MaxAge < TimeSpan.Zero)
        {
            problems.Add($"MaxAge must not be negative (0 keeps predictions forever), got {MaxAge}");
        }

        if (MaxBytes < 0)
        {
            problems.Add($"MaxBytes must not be negative (0 for no limit), got {MaxBytes}");
        }

        if (PruneInterval <= TimeSpan.Zero)
        {
            problems.Add($"PruneInterval must be positive, got {PruneInterval}");
        }

        if (PruneBatchSize < 1)
        {
            problems.Add($"PruneBatchSize must be at least 1, got {PruneBatchSize}");
        }

        if (BatchSize < 1)
        {
            problems.Add($"BatchSize must be at least 1, got {BatchSize}");
        }

        if (FlushInterval <= TimeSpan.Zero)
        {
            problems.Add($"FlushInterval must be positive, got {FlushInterval}");
        }

        if (FeedbackFlushTimeout < TimeSpan.Zero)
        {
            problems.Add($"FeedbackFlushTimeout must not be negative, got {FeedbackFlushTimeout}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Invalid {Section} settings: {string.Join("; ", problems)}.");
        }
    }

    /// <summary>The retention policy <see cref="MaxAge"/>, <see cref="MaxBytes"/> and <see cref="PruneBatchSize"/> describe.</summary>
    public PredictionRetention Retention() => new(
        MaxAge > TimeSpan.Zero ? MaxAge : null,
        MaxBytes > 0 ? MaxBytes : null,
        PruneBatchSize);
}
