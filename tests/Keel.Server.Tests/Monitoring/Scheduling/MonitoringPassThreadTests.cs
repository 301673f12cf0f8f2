using Keel.Server.Monitoring;

namespace Keel.Server.Tests.Monitoring.Scheduling;

public sealed class MonitoringPassThreadTests
{
    [Fact]
    public async Task RunAsync_BelowNormal_RunsThePassOnItsOwnThread_AtNice10OnLinux()
    {
        using var thread = new MonitoringPassThread(ThreadPriority.BelowNormal);
        var (name, nice) = await thread.RunAsync(() => Task.FromResult((Thread.CurrentThread.Name, Nice())));
        Assert.Equal("Keel monitoring pass", name);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(10, nice);
        }

        // The thread keeps its priority for the next pass, and the caller's thread is left alone.
        Assert.Equal(nice, await thread.RunAsync(() => Task.FromResult(Nice())));
        Assert.NotEqual("Keel monitoring pass", Thread.CurrentThread.Name);
    }

    [Fact]
    public async Task RunAsync_PassFails_TheCallerGetsTheException_AndTheThreadRunsTheNext()
    {
        using var thread = new MonitoringPassThread(ThreadPriority.Lowest);
        await Assert.ThrowsAsync<InvalidOperationException>(() => thread.RunAsync<int>(() => throw new InvalidOperationException("broken")));
        Assert.Equal(2, await thread.RunAsync(() => Task.FromResult(2)));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(19, await thread.RunAsync(() => Task.FromResult(Nice())));
        }
    }

    [Theory]
    [InlineData(nameof(MonitoringSchedulerOptions.MaxDriftRows), 10)]
    [InlineData(nameof(MonitoringSchedulerOptions.MaxDriftRows), -1)]
    [InlineData(nameof(MonitoringSchedulerOptions.PassParallelism), 0)]
    [InlineData(nameof(MonitoringSchedulerOptions.PassPriority), (int)ThreadPriority.Highest)]
    public void Options_BadPassSetting_IsRefusedAtStartUp(string setting, int value)
    {
        var options = new MonitoringSchedulerOptions();
        typeof(MonitoringSchedulerOptions).GetProperty(setting)!.SetValue(options, setting == nameof(MonitoringSchedulerOptions.PassPriority) ? (ThreadPriority)value : value);
        var e = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_PassOptions_CarryTheCapAndParallelism()
    {
        var pass = new MonitoringSchedulerOptions { MaxDriftRows = 0, PassParallelism = 2 }.PassOptions();
        Assert.Equal(0, pass.MaxDriftRows);
        Assert.Equal(2, pass.Drift.MaxDegreeOfParallelism);
        Assert.Equal(Keel.Monitoring.Drift.MultipleTestingCorrection.BenjaminiHochberg, pass.Drift.Correction);
    }

    /// <summary>This thread's nice value (field 19 of /proc/thread-self/stat); 0 elsewhere than Linux.</summary>
    private static int Nice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
    }
}
