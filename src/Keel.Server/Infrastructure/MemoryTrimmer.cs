using System.Runtime;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Keeps large request bodies from piling up as garbage, and gives memory back after a burst. The
/// garbage collector frees a body's buffers only when it next runs; during a burst its budget grows
/// with the bodies in flight, and an idle server allocates nothing that would make it run at all, so
/// the process would keep its peak size. Only bodies of 1 MiB or more count. During a burst, each
/// <see cref="HostingOptions.MaxBufferedBodyBytes"/> of finished bodies starts a background
/// collection; once no body has been in flight for <see cref="HostingOptions.MemoryTrimDelay"/>
/// after 64 MiB or more, one compacting collection (large-object heap included) runs and the freed
/// memory goes back to the system.
/// </summary>
internal sealed class MemoryTrimmer(HostingOptions options, TimeProvider time, ILogger<MemoryTrimmer> logger) : IDisposable
{
    /// <summary>Body bytes since the last trim that make a burst worth trimming after.</summary>
    public const long BurstBytes = 64L * 1024 * 1024;

    /// <summary>Bodies smaller than this are left to the collector's own pace.</summary>
    public const long LargeBody = 1024 * 1024;

    private readonly Lock _gate = new();
    private long _sinceTrim;
    private long _sinceCollect;
    private int _collections;
    private long _activity;
    private ITimer? _timer;

    /// <summary>Trims done since start.</summary>
    public int Trims { get; private set; }

    /// <summary>Background collections started during bursts since start.</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>A body has started: any pending trim waits for the next quiet moment.</summary>
    public void BodyStarted() => Interlocked.Increment(ref _activity);

    /// <summary>A body of <paramref name="bytes"/> is done; <paramref name="idle"/> when no other is in flight.</summary>
    public void BodyFinished(long bytes, bool idle)
    {
        if (bytes >= LargeBody && Interlocked.Add(ref _sinceCollect, bytes) >= options.MaxBufferedBodyBytes)
        {
            Interlocked.Exchange(ref _sinceCollect, 0);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
            Interlocked.Increment(ref _collections);
        }

        if (options.MemoryTrimDelay <= TimeSpan.Zero || (bytes < LargeBody && !idle))
        {
            return;
        }

        var total = bytes >= LargeBody ? Interlocked.Add(ref _sinceTrim, bytes) : Interlocked.Read(ref _sinceTrim);
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
