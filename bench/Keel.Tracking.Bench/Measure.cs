using System.Diagnostics;

namespace Keel.Tracking.Bench;

/// <summary>
/// Wall time and this process's CPU time (user + system, all threads) of an action. CPU time per
/// item is what contention from other processes disturbs least: on a busy machine wall-clock rates
/// mostly measure the share of a core the scheduler gave us.
/// </summary>
internal static class Measure
{
    public static (TimeSpan Wall, TimeSpan Cpu) Time(Action action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        return (sw.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    public static async Task<(TimeSpan Wall, TimeSpan Cpu)> TimeAsync(Func<Task> action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await action();
        return (sw.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }
}
