namespace Keel.Storage.Tests.Deployments;

// The controller lease: one holder at a time, renewals, take-over after expiry.
public abstract partial class DeploymentStoreComplianceTests
{
    private const string Lease = "deployments-controller";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Lease_FirstContenderTakesIt_TheSecondIsRefusedUntilItExpires_ThenTakesItOver()
    {
        var a = await Store.TryAcquireLeaseAsync(Lease, "node-a", Ttl);
        Assert.NotNull(a);
        Assert.Equal(Now + (long)Ttl.TotalMilliseconds, a.ExpiresAt);
        Assert.Null(await Store.TryAcquireLeaseAsync(Lease, "node-b", Ttl));

        Clock.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.Null(await Store.TryAcquireLeaseAsync(Lease, "node-b", Ttl));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var b = await Store.TryAcquireLeaseAsync(Lease, "node-b", Ttl);
        Assert.Equal("node-b", b?.Holder);
        Assert.Null(await Store.RenewLeaseAsync(Lease, "node-a", Ttl));
        Assert.Equal("node-b", (await Store.GetLeaseAsync(Lease))?.Holder);
    }

    [Fact]
    public async Task Lease_RenewedByItsHolder_OutlivesItsFirstExpiry()
    {
        var first = (await Store.TryAcquireLeaseAsync(Lease, "node-a", Ttl))!;
        Clock.Advance(TimeSpan.FromSeconds(10));
        var renewed = await Store.RenewLeaseAsync(Lease, "node-a", Ttl);
        Assert.Equal(Now + (long)Ttl.TotalMilliseconds, renewed?.ExpiresAt);
        Assert.Equal(first.AcquiredAt, renewed?.AcquiredAt);
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await Store.TryAcquireLeaseAsync(Lease, "node-b", Ttl));
        var again = await Store.TryAcquireLeaseAsync(Lease, "node-a", Ttl);
        Assert.Equal(first.AcquiredAt, again?.AcquiredAt);
    }

    [Fact]
    public async Task Lease_ExpiredHolderCannotRenew_AndReleaseFreesItAtOnce()
    {
        await Store.TryAcquireLeaseAsync(Lease, "node-a", Ttl);
        Clock.Advance(Ttl);
        Assert.Null(await Store.RenewLeaseAsync(Lease, "node-a", Ttl));

        Assert.NotNull(await Store.TryAcquireLeaseAsync(Lease, "node-a", Ttl));
        Assert.False(await Store.ReleaseLeaseAsync(Lease, "node-b"));
        Assert.True(await Store.ReleaseLeaseAsync(Lease, "node-a"));
        Assert.Null(await Store.GetLeaseAsync(Lease));
        Assert.Equal("node-b", (await Store.TryAcquireLeaseAsync(Lease, "node-b", Ttl))?.Holder);
    }

    [Fact]
    public async Task Lease_ManyContendersAtOnce_ExactlyOneHoldsIt()
    {
        var contenders = Enumerable.Range(0, 8).Select(i => $"node-{i}").ToList();
        var results = await Task.WhenAll(contenders.Select(c => Task.Run(() => Store.TryAcquireLeaseAsync(Lease, c, Ttl))));
        var holder = Assert.Single(results, r => r is not null)!;
        Assert.Equal(holder.Holder, (await Store.GetLeaseAsync(Lease))?.Holder);
        var renewals = await Task.WhenAll(contenders.Select(c => Store.RenewLeaseAsync(Lease, c, Ttl)));
        Assert.Equal([holder.Holder], renewals.Where(r => r is not null).Select(r => r!.Holder));
    }

    [Fact]
    public async Task Leases_WithDifferentNames_AreIndependent()
    {
        Assert.NotNull(await Store.TryAcquireLeaseAsync("deployment:a", "node-a", Ttl));
        Assert.NotNull(await Store.TryAcquireLeaseAsync("deployment:b", "node-b", Ttl));
        Assert.Null(await Store.TryAcquireLeaseAsync("deployment:a", "node-b", Ttl));
    }
}
