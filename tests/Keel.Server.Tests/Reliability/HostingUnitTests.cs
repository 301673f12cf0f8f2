using Keel.Core.Errors;
using Keel.Server.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.Tests.Reliability;

public sealed class HostingUnitTests
{
    [Theory]
    [InlineData(256UL, 135, 4)] // regression: a fixed cap of 16 reached 255 of 256 descriptors once the runtime held 235
    [InlineData(256UL, 250, 4)] // the floor
    [InlineData(1024UL, 230, 362)] // 724 free after the runtime's 300: 362 kept back
    [InlineData(1024UL, 0, 362)]
    [InlineData(1024UL, 500, 262)]
    [InlineData(4096UL, 230, 2847)]
    [InlineData(20_000UL, 230, 10_000)]
    [InlineData(1_048_576UL, 300, 10_000)]
    [InlineData(ulong.MaxValue, 230, 10_000)]
    public void DefaultMaxConnections_LeavesHeadroomBelowTheDescriptorLimit(ulong softLimit, int open, int expected) =>
        Assert.Equal(expected, HostingOptions.DefaultMaxConnections(softLimit, open));

    [Fact]
    public void DefaultMaxConnections_NeverLetsCapAndHeadroomReachTheLimit()
    {
        for (var open = 150; open < 256; open++)
        {
            var cap = HostingOptions.DefaultMaxConnections(256, open);
            var headroom = Math.Clamp(cap / 8, 4, 64);
            Assert.True(open + cap + headroom < 256 || cap == 4, $"open {open}: cap {cap} + headroom {headroom} reaches 256");
        }
    }

    [Fact]
    public void DefaultMaxConnections_WithoutAKnownLimit_Is10000() =>
        Assert.Equal(10_000, HostingOptions.DefaultMaxConnections(null));

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://127.8.9.10:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://10.1.2.3:5000", false)]
    [InlineData("http://keel.example.com:5000", false)]
    [InlineData("0.0.0.0", false)]
    public void IsLoopback_TellsLoopbackFromEverythingElse(string address, bool loopback) =>
        Assert.Equal(loopback, HostingAddresses.IsLoopback(address));

    [Fact]
    public void RaiseSoftToHard_LeavesTheSoftLimitAtTheHardOne()
    {
        var limits = HostingDescriptors.RaiseSoftToHard();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(limits);
            return;
        }

        var (_, hard, after) = Assert.NotNull(limits);
        Assert.Equal(hard, after);
        var now = Assert.NotNull(HostingDescriptors.Read());
        Assert.Equal(hard, now.Soft);
        Assert.Equal(hard, now.Hard);
    }

    [Fact]
    public async Task BodyBudget_GrantsInArrivalOrder_AndTimesOutWith503()
    {
        var options = new HostingOptions { MaxRequestBodyBytes = 60, MaxBufferedBodyBytes = 100, BodyQueueTimeout = TimeSpan.FromSeconds(30) };
        using var trimmer = new MemoryTrimmer(options, TimeProvider.System, NullLogger<MemoryTrimmer>.Instance);
        var budget = new RequestBodyBudget(options, trimmer);
        var first = await budget.ReserveAsync(60, TestContext.Current.CancellationToken);
        var big = budget.ReserveAsync(60, TestContext.Current.CancellationToken).AsTask();
        var small = budget.ReserveAsync(10, TestContext.Current.CancellationToken).AsTask();

        // 40 bytes are free, but the small request queues behind the big one rather than starve it.
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);
        first.Dispose();
        using (await big)
        using (await small)
        {
            Assert.Equal(70, budget.InUse);
        }

        Assert.Equal(0, budget.InUse);

        var quick = new HostingOptions { MaxRequestBodyBytes = 60, MaxBufferedBodyBytes = 100, BodyQueueTimeout = TimeSpan.FromMilliseconds(50) };
        var busy = new RequestBodyBudget(quick, trimmer);
        using var held = await busy.ReserveAsync(100, TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<KeelException>(async () => await busy.ReserveAsync(1, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.TemporarilyUnavailable, e.Code);
        Assert.Contains("Keel:Hosting:MaxBufferedBodyBytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(100, busy.InUse);
    }
}
