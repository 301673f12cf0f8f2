using System.Runtime;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Gives memory back after a burst of large request bodies. The garbage collector frees a burst's
/// buffers only when it next runs, and an idle server allocates nothing that would make it run, so
/// the process would keep its peak size. Once no body has been in flight for
/// <see cref="HostingOptions.MemoryTrimDelay"/> after 64 MiB or more of bodies, one compacting
/// collection (large-object heap included) runs and the freed memory goes back to the system.
/// </summary>
internal sealed class MemoryTrimmer(HostingOptions options, TimeProvider time, ILogger<MemoryTrimmer> logger) : IDisposable
{
    /// <summary>Body bytes since the last trim that make a burst worth trimming after.</summary>
    public const long BurstBytes = 64L * 1024 * 1024;

    private readonly Lock _gate = new();
    private long _sinceTrim;
    private long _activity;
    private ITimer? _timer;

    /// <summary>Trims done since start.</summary>
    public int Trims { get; private set; }

    /// <summary>A body has started: any pending trim waits for the next quiet moment.</summary>
    public void BodyStarted() => Interlocked.Increment(ref _activity);

    /// <summary>A body of <paramref name="bytes"/> is done; <paramref name="idle"/> when no other is in flight.</summary>
    public void BodyFinished(long bytes, bool idle)
    {
        if (options.MemoryTrimDelay <= TimeSpan.Zero)
        {
            return;
        }

        var total = Interlocked.Add(ref _sinceTrim, bytes);
        if (!idle || total < BurstBytes)
        {
            return;
        }

        var activity = Interlocked.Read(ref _activity);
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = time.CreateTimer(_ => Trim(activity), null, options.MemoryTrimDelay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Trim(long activityWhenScheduled)
    {
        if (Interlocked.Read(ref _activity) != activityWhenScheduled)
        {
            return; // Bodies came in since; the last of them schedules the trim again.
        }

        Interlocked.Exchange(ref _sinceTrim, 0);
        var before = GC.GetTotalMemory(forceFullCollection: false);
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Trims++;
        HostingLog.MemoryTrimmed(logger, before / (1024 * 1024), GC.GetTotalMemory(forceFullCollection: false) / (1024 * 1024));
    }
}
