namespace Keel.Server.Monitoring;

/// <summary>The monitoring scheduler's and runner's settings (configuration section <c>Keel:Monitoring:Scheduler</c>).</summary>
public sealed class MonitoringSchedulerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Monitoring:Scheduler";

    /// <summary>The store lease the one acting scheduler holds.</summary>
    public const string LeaseName = "monitoring-scheduler";

    /// <summary>Whether this server runs a scheduler (it still runs passes only while it holds the lease).</summary>
    /// <value>true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the scheduler looks for monitors that are due (a monitor's interval is its own).</summary>
    /// <value>1 s.</value>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the list of monitored models (stored monitors, served models, deployments) is read again.</summary>
    /// <value>15 s.</value>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a lease lasts without renewal: after a crash, another server takes over at most this long after the last renewal.</summary>
    /// <value>30 s.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long stored windows are kept; older ones are deleted after a pass (at most hourly).</summary>
    /// <value>90 days.</value>
    public TimeSpan WindowRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// When a model got no request at all in a window, the series that had traffic this recently
    /// still get a window (0 requests), so that a <c>no_traffic</c> rule sees the silence.
    /// </summary>
    /// <value>24 h.</value>
    public TimeSpan SilentSeriesFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Series whose latest window ended longer ago than this leave the Prometheus gauges.</summary>
    /// <value>8 days (longer than the longest interval, a week).</value>
    public TimeSpan GaugesStaleAfter { get; set; } = TimeSpan.FromDays(8);

    /// <summary>Checks the values; throws at start-up on a bad one.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (Tick <= TimeSpan.Zero || Tick > TimeSpan.FromMinutes(1))
        {
            problems.Add($"Tick must be in (0, 1 min]; it is {Tick}.");
        }

        if (RefreshEvery < Tick)
        {
            problems.Add($"RefreshEvery must be at least one tick ({Tick}); it is {RefreshEvery}.");
        }

        if (LeaseDuration < Tick * 3)
        {
            problems.Add($"LeaseDuration must be at least three ticks ({Tick * 3}); it is {LeaseDuration}.");
        }

        if (WindowRetention < TimeSpan.FromHours(1))
        {
            problems.Add($"WindowRetention must be at least 1 hour; it is {WindowRetention}.");
        }

        if (SilentSeriesFor < TimeSpan.Zero || GaugesStaleAfter <= TimeSpan.Zero)
        {
            problems.Add("SilentSeriesFor must not be negative and GaugesStaleAfter must be positive.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{Section}: {string.Join(" ", problems)}");
        }
    }
}
