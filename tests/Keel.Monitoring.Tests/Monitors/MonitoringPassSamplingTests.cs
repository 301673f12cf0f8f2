using Keel.Core.Errors;
using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Tests.Monitors;

/// <summary>Above <see cref="MonitoringPassOptions.MaxDriftRows"/> drift and quality are judged on a seeded uniform sample; every count stays exact.</summary>
public sealed class MonitoringPassSamplingTests
{
    [Fact]
    public async Task Run_WindowAboveTheCap_JudgesExactlyTheCapOfItsRows_AndCountsEveryRequest()
    {
        var (version, window) = await WindowAsync();
        var result = MonitoringPass.Run(version, window, new MonitoringPassOptions { MaxDriftRows = 300 }, "flights/1/0/1000");

        Assert.Equal(1_000, result.Requests);
        Assert.Equal(1_000, result.InputRows);
        Assert.Equal(300, result.SampledInputRows);
        Assert.Equal(300, result.InputDrift!.CurrentRows);
        Assert.NotNull(result.Quality);
    }

    [Fact]
    public async Task Run_SampledColumns_AreTheSeededRowsOfTheWindow()
    {
        var (version, window) = await WindowAsync();
        const string key = "flights/1/0/1000";
        var result = MonitoringPass.Run(version, window, new MonitoringPassOptions { MaxDriftRows = 300 }, key);

        // The same rows taken by hand give the same drift: the sample is RowSample's, seeded by the key.
        var rows = RowSample.Indices(window.InputRows, 300, RowSample.Seed(key));
        var byHand = new PredictionWindow(window.Inputs.Select(c => c.Take(rows)).ToList(), window.Predictions, window.Requests, 0, 0);
        var expected = MonitoringPass.Run(version, byHand, new MonitoringPassOptions { MaxDriftRows = 0 });
        Assert.Equal(expected.InputDrift!.Columns.Select(c => (c.Column, c.Statistic)), result.InputDrift!.Columns.Select(c => (c.Column, c.Statistic)));
        Assert.Equal(expected.Quality!.Checks.Select(c => c.Value), result.Quality!.Checks.Select(c => c.Value));
    }

    [Fact]
    public async Task Run_SameWindowTwice_DrawsTheSameRows_AnotherWindowOthers()
    {
        var (version, window) = await WindowAsync();
        var options = new MonitoringPassOptions { MaxDriftRows = 300 };
        var first = MonitoringPass.Run(version, window, options, "flights/1/0/1000");
        var again = MonitoringPass.Run(version, window, options, "flights/1/0/1000");
        var other = MonitoringPass.Run(version, window, options, "flights/1/1000/2000");

        Assert.Equal(first.InputDrift!.Columns.Select(c => c.Statistic), again.InputDrift!.Columns.Select(c => c.Statistic));
        Assert.NotEqual(first.InputDrift!.Columns.Select(c => c.Statistic), other.InputDrift!.Columns.Select(c => c.Statistic));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public async Task Run_CapOffOrNotReached_UsesEveryRow(int cap)
    {
        var (version, window) = await WindowAsync();
        var result = MonitoringPass.Run(version, window, new MonitoringPassOptions { MaxDriftRows = cap });
        Assert.Null(result.SampledInputRows);
        Assert.Equal(1_000, result.InputDrift!.CurrentRows);
    }

    [Fact]
    public async Task Run_NegativeCap_IsRefused()
    {
        var (version, window) = await WindowAsync();
        var e = Assert.Throws<KeelException>(() => MonitoringPass.Run(version, window, new MonitoringPassOptions { MaxDriftRows = -1 }));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    private static async Task<(Reference.MonitoredVersion Version, PredictionWindow Window)> WindowAsync()
    {
        var log = await ReplayedLog.FlightsAsync();
        var builder = new PredictionWindowBuilder(ReplayedLog.Signature);
        foreach (var record in log.Records(log.StreamRows, 0))
        {
            builder.Add(record);
        }

        return (log.Version(), builder.Build());
    }
}
