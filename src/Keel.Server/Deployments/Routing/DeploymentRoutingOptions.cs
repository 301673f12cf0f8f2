namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Settings of the deployments' request path (<c>/deployments/{name}/invocations</c>,
/// <c>/v2/models/{name}/infer</c>), bound from <c>Keel:Deployments:Routing</c>
/// (e.g. <c>--Keel:Deployments:Routing:ShadowQueueCapacity=4096</c>).
/// </summary>
public sealed class DeploymentRoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Deployments:Routing";

    /// <summary>
    /// How often the deployments this process serves are read again from the store, to see changes
    /// other processes made (changes made in this process apply at once, through the change feed).
    /// </summary>
    /// <value>250 ms.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Shadow copies waiting for the candidate at most; a copy that finds the queue full is dropped and counted.</summary>
    /// <value>1024.</value>
    public int ShadowQueueCapacity { get; set; } = 1024;

    /// <summary>Background scorers draining the shadow queue: the share of the machine a mirror may take from the callers.</summary>
    /// <value>1.</value>
    public int ShadowWorkers { get; set; } = 1;

    /// <summary>
    /// The most shadow copies a worker takes from the queue at once. The copies of a batch that the
    /// candidate reads as the stable version read them are scored in one call (one lease, one engine),
    /// and each is still logged and observed on its own; a batch the candidate refuses is scored
    /// again copy by copy, so one bad copy fails alone.
    /// </summary>
    /// <value>64.</value>
    public int ShadowBatchSize { get; set; } = 64;

    /// <summary>
    /// While the callers' path is saturated (callers' work waits for the thread pool, or copies wait
    /// in the shadow queue: the mirror would take a whole core), the share of
    /// its time each shadow worker may spend scoring copies, in (0, 1]; 1 lets the mirror compete
    /// with callers at full speed. While nothing waits, workers mirror at full speed whatever this
    /// is. Copies not scored in time fill the queue and are dropped and counted
    /// (<c>keel_deployment_shadow_dropped_total</c>).
    /// </summary>
    /// <value>0.2.</value>
    public double ShadowBusyShare { get; set; } = 0.2;

    /// <summary>How long after a failed load a version is tried again.</summary>
    /// <value>5 s.</value>
    public TimeSpan LoadRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="InvalidOperationException">When a setting is out of range.</exception>
    public void Validate()
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException($"{Section}:PollInterval must be above 0 and at most 10 minutes (got {PollInterval}).");
        }

        if (ShadowQueueCapacity is < 1 or > 1_000_000)
        {
            throw new InvalidOperationException($"{Section}:ShadowQueueCapacity must be from 1 to 1,000,000 (got {ShadowQueueCapacity}).");
        }

        if (ShadowWorkers is < 1 or > 64)
        {
            throw new InvalidOperationException($"{Section}:ShadowWorkers must be from 1 to 64 (got {ShadowWorkers}).");
        }

        if (ShadowBatchSize is < 1 or > 4096)
        {
            throw new InvalidOperationException($"{Section}:ShadowBatchSize must be from 1 to 4,096 (got {ShadowBatchSize}).");
        }

        if (!(ShadowBusyShare > 0 && ShadowBusyShare <= 1))
        {
            throw new InvalidOperationException($"{Section}:ShadowBusyShare must be above 0 and at most 1 (got {ShadowBusyShare}).");
        }

        if (LoadRetryDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:LoadRetryDelay must not be negative (got {LoadRetryDelay}).");
        }
    }
}
