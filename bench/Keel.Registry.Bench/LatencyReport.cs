using System.Diagnostics;

namespace Keel.Registry.Bench;

/// <summary>
/// Times repeated calls and prints p50/p90/p99 wall-clock latency per scenario, plus the mean CPU time
/// of this process per call (all threads; coarse ticks, so only the mean over all repetitions is
/// meaningful), which shows the cost apart from waiting for a core on a busy machine.
/// </summary>
internal sealed class LatencyReport(int repetitions)
{
    private readonly List<(string Name, int Items, double P50, double P90, double P99, double Cpu)> _rows = [];

    public async Task MeasureAsync<T>(string name, Func<Task<T>> call)
    {
        for (var i = 0; i < 100; i++)
        {
            await call();
        }

        var samples = new double[repetitions];
        var items = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            items = Count(result);
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / repetitions;
        Array.Sort(samples);
        _rows.Add((name, items, At(samples, 0.50), At(samples, 0.90), At(samples, 0.99), cpu));
        Console.WriteLine($"{name}: p50 {At(samples, 0.50):F3} ms ({items} items)");
    }

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"| scenario ({repetitions} repetitions) | items | p50 ms | p90 ms | p99 ms | CPU ms/call |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, items, p50, p90, p99, cpu) in _rows)
        {
            output.WriteLine($"| {name} | {items} | {p50:F3} | {p90:F3} | {p99:F3} | {cpu:F3} |");
        }
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    private static int Count<T>(T result) => result switch
    {
        Keel.Core.Paging.PagedResult<Keel.Core.Registry.RegisteredModel> m => m.Items.Count,
        Keel.Core.Paging.PagedResult<Keel.Core.Registry.ModelVersion> v => v.Items.Count,
        string s => s.Length > 0 ? 1 : 0,
        int n => n,
        _ => 1,
    };
}
