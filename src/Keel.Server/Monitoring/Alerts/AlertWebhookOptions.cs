namespace Keel.Server.Monitoring.Alerts;

/// <summary>
/// How alert webhooks are delivered (configuration section <c>Keel:Monitoring:Alerts</c>). Which
/// webhooks exist is each monitor's business (<c>notifiers</c> in its spec); these settings are the
/// server's: the queue, the attempts' timing and the links' base URL.
/// </summary>
public sealed class AlertWebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Monitoring:Alerts";

    /// <summary>The server's public URL, for absolute links in payloads (e.g. <c>https://keel.example.com</c>); null: links are paths.</summary>
    /// <value>null.</value>
    public string? PublicUrl { get; set; }

    /// <summary>Deliveries waiting at most; a notification that finds the queue full is dropped and counted (the evaluator never waits).</summary>
    /// <value>1000.</value>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Deliveries in flight at once (each with its own retries).</summary>
    /// <value>4.</value>
    public int Concurrency { get; set; } = 4;

    /// <summary>Time one attempt may take before it counts as a network error (and is retried).</summary>
    /// <value>10 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; it doubles after each further one (with jitter: between half and all of it).</summary>
    /// <value>1 second.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts from the backoff.</summary>
    /// <value>1 minute.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait a receiver's <c>Retry-After</c> gets honoured for.</summary>
    /// <value>10 minutes.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Checks the settings at start-up.</summary>
    /// <exception cref="InvalidOperationException">A setting out of range, naming it.</exception>
    public AlertWebhookOptions Validate()
    {
        var errors = new List<string>();
        if (QueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add("QueueCapacity must be between 1 and 1000000");
        }

        if (Concurrency is < 1 or > 64)
        {
            errors.Add("Concurrency must be between 1 and 64");
        }

        if (Timeout <= TimeSpan.Zero || BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay || MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add("Timeout must be positive, BaseDelay and MaxRetryAfter not negative, and MaxDelay at least BaseDelay");
        }

        if (PublicUrl is not null && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            errors.Add("PublicUrl must be an absolute http(s) URL");
        }

        return errors.Count == 0 ? this : throw new InvalidOperationException($"Invalid {Section} settings: {string.Join("; ", errors)}.");
    }
}
