using System.Diagnostics;
using Keel.Server.Deployments.Routing;

namespace Keel.Server.Tests.Deployments.Routing;

public sealed class ShadowBudgetTests
{
    private static long Ms(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    [Fact]
    public void WhileCallersWait_AWorkerPastItsShareIsToldToRestUntilItIsBackWithinIt()
    {
        var budget = new ShadowBudget(0.25);

        // 2 ms of scoring at once, from t = 0: a quarter of the time allows 8 ms in all, so rest 6 ms.
        var rest = budget.Spent(Ms(0), Ms(2), saturated: true);

        Assert.Equal(6, rest.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void RestsTooShortForATimer_AreCarriedOverUntilTheyAddUp()
    {
        var budget = new ShadowBudget(0.5);

        // 0.4 ms busy of 0.4 ms elapsed: 0.4 ms owed, under the 1 ms minimum, so carried.
        Assert.Equal(TimeSpan.Zero, budget.Spent(Ms(0), Ms(0.4), saturated: true));

        // Then 1.2 ms more, back to back: 1.6 ms busy needs 3.2 ms of wall time, 1.6 ms elapsed, rest 1.6 ms.
        Assert.Equal(1.6, budget.Spent(Ms(0.4), Ms(1.6), saturated: true).TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void WithSpareCapacity_TheMirrorRunsAtFullSpeed_AndSavesNoDebtForLater()
    {
        var budget = new ShadowBudget(0.1);

        Assert.Equal(TimeSpan.Zero, budget.Spent(Ms(0), Ms(5), saturated: false));

        // Saturation starts afresh: only this copy counts (1 ms busy allows 10 ms, 1 ms elapsed since it started).
        Assert.Equal(9, budget.Spent(Ms(5), Ms(6), saturated: true).TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void AShareOfOne_NeverRests()
    {
        var budget = new ShadowBudget(1);

        Assert.Equal(TimeSpan.Zero, budget.Spent(Ms(0), Ms(50), saturated: true));
    }

    [Fact]
    public void TheBudgetIsMeasuredOverPeriodsOfAtMostOneSecond()
    {
        var budget = new ShadowBudget(0.5);
        Assert.Equal(TimeSpan.Zero, budget.Spent(Ms(0), Ms(0.1), saturated: true));

        // 2 s later a new period starts at this copy: 2 ms busy allows 4 ms, so rest 2 ms (not 0: old idle time is no credit).
        Assert.Equal(2, budget.Spent(Ms(2000), Ms(2002), saturated: true).TotalMilliseconds, precision: 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void AShadowBusyShareOutsideZeroToOne_IsRefusedAtStart(double share)
    {
        var options = new DeploymentRoutingOptions { ShadowBusyShare = share };

        var e = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("ShadowBusyShare", e.Message, StringComparison.Ordinal);
    }
}
