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

    /// <summary>
    /// Most rows a pass's drift and data quality look at per series: above it they are judged on a
    /// uniform sample of exactly this many rows, seeded by the window (the same window always draws the
    /// same rows); requests, latency, errors and performance always count every request. 0: every
    /// row. See docs/monitoring.md, "Large windows", for what the sample costs in test power.
    /// </summary>
    /// <value>100,000 (<see cref="Keel.Monitoring.Monitors.MonitoringPassOptions.DefaultMaxDriftRows"/>).</value>
    public int MaxDriftRows { get; set; } = Keel.Monitoring.Monitors.MonitoringPassOptions.DefaultMaxDriftRows;

    /// <summary>Cores a pass's drift tests use at once (one column per core); -1: every core.</summary>
    /// <value>1: a pass never takes more than one core from serving.</value>
    public int PassParallelism { get; set; } = 1;

    /// <summary>
    /// The operating-system priority of the thread scheduled passes run on (<c>Normal</c>,
    /// <c>BelowNormal</c> or <c>Lowest</c>): below normal, a pass gets the CPU serving leaves while the
    /// server is busy and all it wants while it is idle. Passes asked for over the REST API run at
    /// normal priority.
    /// </summary>
    /// <value><c>BelowNormal</c> (nice 10 on Linux).</value>
    public ThreadPriority PassPriority { get; set; } = ThreadPriority.BelowNormal;

    /// <summary>The pass options the runner uses: <see cref="MaxDriftRows"/> and <see cref="PassParallelism"/> over the pass's defaults.</summary>
    public Keel.Monitoring.Monitors.MonitoringPassOptions PassOptions() => new()
    {
        MaxDriftRows = MaxDriftRows,
        Drift = new() { Correction = Keel.Monitoring.Drift.MultipleTestingCorrection.BenjaminiHochberg, MaxDegreeOfParallelism = PassParallelism },
    };

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

        if (MaxDriftRows is < 0 or (> 0 and < 1000))
        {
            problems.Add($"MaxDriftRows must be 0 (every row) or at least 1000; it is {MaxDriftRows}.");
        }

        if (PassParallelism is 0 or < -1)
        {
            problems.Add($"PassParallelism must be -1 (every core) or positive; it is {PassParallelism}.");
        }

        if (PassPriority is not (ThreadPriority.Normal or ThreadPriority.BelowNormal or ThreadPriority.Lowest))
        {
            problems.Add($"PassPriority must be Normal, BelowNormal or Lowest; it is {PassPriority}.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{Section}: {string.Join(" ", problems)}");
        }
    }
}
