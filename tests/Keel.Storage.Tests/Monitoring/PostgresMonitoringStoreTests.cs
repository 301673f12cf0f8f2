using Keel.Core.Monitoring;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;
using Npgsql;

namespace Keel.Storage.Tests.Monitoring;

public sealed class PostgresMonitoringStoreTests(PostgresServer server) : MonitoringStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IMonitoringStore> CreateStoreAsync() => new PostgresMonitoringStore(await _db.CreateAsync(Clock));

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Monitor_Windows_AndAlerts_SurviveARestart()
    {
        var spec = MonitorSpecValidator.Normalize(new MonitorSpec { Model = "m", Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, For = 2 }] });
        await Store.PutMonitorAsync(spec, "alice");
        var window = (await Store.PutWindowsAsync([Window("m", "1", 0, "d", "stable")]))[0];
        var alert = NewAlert("m", "drift");
        var created = await Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending));

        var reopened = new PostgresMonitoringStore(await _db.ReopenAsync(Clock));
        AssertSame(spec, (await reopened.GetMonitorAsync("m"))?.Spec);
        AssertSame(window, Assert.Single((await reopened.ListWindowsAsync(new MonitorWindowQuery("m"))).Items));
        AssertSame(created, await reopened.GetAlertAsync(alert.Key));
        Assert.Null(await reopened.TryPutAlertAsync(created! with { State = AlertStates.Firing }, 0, null));
        Assert.Single((await reopened.ListAlertEventsAsync("m", null, 10, null)).Items);
    }

    [Fact]
    public async Task ReplacingAWindow_AndRetention_LeaveNoOrphanFeatureRows()
    {
        await Store.PutWindowsAsync([Window("m", "1", 0), Window("m", "1", 1)]);
        await Store.PutWindowsAsync([Window("m", "1", 0) with { Features = [new FeatureDrift("income", "input", "ks", 0.2, 0.5, 0.05, false)] }]);
        Assert.Equal(4, await CountAsync("monitor_window_features"));

        await Store.DeleteWindowsBeforeAsync(Now + (10 * Step));

        Assert.Equal(0, await CountAsync("monitor_windows"));
        Assert.Equal(0, await CountAsync("monitor_window_features"));
    }

    [Fact]
    public async Task ABatchNamingOneWindowTwice_KeepsTheLastOfThem_AsWritingThemOneByOneWould()
    {
        var first = Window("m", "1", 0) with { Requests = 1 };
        var last = Window("m", "1", 0) with { Requests = 2, Features = [new FeatureDrift("income", "input", "ks", 0.7, 0.001, 0.05, true)] };

        var stored = await Store.PutWindowsAsync([first, Window("m", "1", 1), last]);

        Assert.Equal(stored[0].Id, stored[2].Id);
        var read = (await Store.ListWindowsAsync(new MonitorWindowQuery("m"))).Items;
        Assert.Equal(2, read.Count);
        Assert.Equal(2, read[0].Requests);
        Assert.Equal("income", Assert.Single(read[0].Features).Feature);
        Assert.Equal(1, await CountAsync("monitor_window_features") - read[1].Features.Count);
    }

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
