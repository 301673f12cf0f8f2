using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Keel.Server.Monitoring;

/// <summary>
/// The one thread the scheduler's passes run on, one pass at a time, at a lower operating-system
/// priority than serving (<see cref="MonitoringSchedulerOptions.PassPriority"/>): while the server is
/// busy, the kernel gives the pass only the CPU that serving leaves; while it is idle, the pass runs
/// at full speed. On Linux .NET's <see cref="Thread.Priority"/> changes nothing for ordinary
/// threads, so the thread raises its own nice value (a per-thread attribute there: BelowNormal = 10,
/// about a tenth of a core's share against one busy serving thread; Lowest = 19); elsewhere it sets
/// <see cref="Thread.Priority"/>. A store whose reads complete asynchronously (PostgreSQL) resumes
/// the pass on pool threads after each read; SQLite's reads complete on this thread.
/// </summary>
internal sealed partial class MonitoringPassThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly ThreadPriority _priority;
    private Thread? _thread;

    public MonitoringPassThread(ThreadPriority priority) => _priority = priority;

    /// <summary>Whether the thread lowered its priority as asked (false until it started, or when the system refused).</summary>
    public bool Lowered { get; private set; }

    /// <summary>Runs <paramref name="pass"/> on the pass thread and waits for it without blocking the caller.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (_priority == ThreadPriority.Normal)
        {
            return pass(); // Nothing to lower: run where the scheduler runs.
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_work)
        {
            if (_thread is null)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = "Keel monitoring pass" };
                _thread.Start();
            }
        }

        _work.Add(() =>
        {
            try
            {
                done.TrySetResult(pass().GetAwaiter().GetResult());
            }
            catch (OperationCanceledException e)
            {
                done.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        return done.Task;
    }

    public void Dispose() => _work.CompleteAdding();

    private void Loop()
    {
        Lowered = Lower(_priority);
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    private static bool Lower(ThreadPriority priority)
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = priority;
            return true;
        }

        var nice = priority switch
        {
            ThreadPriority.Lowest => 19,
            ThreadPriority.BelowNormal => 10,
            _ => 0,
        };
        try
        {
            // setpriority(PRIO_PROCESS, tid) sets one thread's nice value on Linux; raising it needs no privilege.
            return SetPriority(0, GetTid(), nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
